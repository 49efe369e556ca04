#!/usr/bin/env python3
"""PyTorch counterpart of `mbrl-run bench learner`.

(a) SAC updates per second: Stable-Baselines3's `SAC.train()` gradient step written in plain
    PyTorch (no SB3 needed): a tanh-squashed Gaussian actor (2 x 256 ReLU, mean and log-std
    heads, log-std clamped to [-20, 2]), twin critics (2 x 256 ReLU on [obs, act]), automatic
    entropy tuning (log alpha, target entropy -|A|), critic targets from the target critics,
    Adam (lr 3e-4) for actor, critics and temperature, and a Polyak update (tau 0.005) every
    step; batch 256 of random data, at Pendulum sizes (obs 3, act 1) and HalfCheetah sizes
    (obs 17, act 6).
(b) Imagined steps per second: a 7-member ensemble of 4 x 200 SiLU layers batched with
    `torch.baddbmm` as mbrl-lib's `Ensemble` layers (Gaussian outputs: mean and log-variance of
    the observation delta and the reward, inputs normalised), stepping 100,000 start states one
    step with a 2 x 256 ReLU tanh policy (rows split over the members as mbrl-lib's
    random-model propagation does), at HalfCheetah sizes by default.

Usage:
    /tmp/anchorvenv/bin/python scripts/bench_learner_pytorch.py [--threads T] [--seconds S]
        [--warmup N] [--batch N] [--states N] [--skip-rollouts] [--json]

Without --threads it measures on 1 thread and on all cores; each measurement prints one line
(JSON with --json).
"""
import argparse
import copy
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LOG_STD_MIN, LOG_STD_MAX = -20.0, 2.0  # SB3's sac/policies.py


def cpu_model():
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def mlp(sizes, activation=nn.ReLU):
    layers = []
    for index in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[index], sizes[index + 1]))
        if index < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


class Actor(nn.Module):
    """SB3's SAC actor: latent MLP, mean and log-std heads, tanh squashing."""

    def __init__(self, observation_size, action_size, hidden=(256, 256)):
        super().__init__()
        self.latent = nn.Sequential(nn.Linear(observation_size, hidden[0]), nn.ReLU(),
                                    nn.Linear(hidden[0], hidden[1]), nn.ReLU())
        self.mu = nn.Linear(hidden[-1], action_size)
        self.log_std = nn.Linear(hidden[-1], action_size)

    def action_log_prob(self, observations):
        latent = self.latent(observations)
        mean = self.mu(latent)
        log_std = torch.clamp(self.log_std(latent), LOG_STD_MIN, LOG_STD_MAX)
        std = log_std.exp()
        noise = torch.randn_like(mean)
        u = mean + std * noise
        action = torch.tanh(u)
        # Gaussian log-density of u, minus the tanh change of variables (SB3 adds 1e-6).
        log_prob = (-0.5 * noise.pow(2) - log_std - 0.5 * math.log(2 * math.pi)).sum(dim=1)
        log_prob = log_prob - torch.log(1 - action.pow(2) + 1e-6).sum(dim=1)
        return action, log_prob


class Critics(nn.Module):
    """SB3's ContinuousCritic: n_critics separate Q-networks on [obs, act]."""

    def __init__(self, observation_size, action_size, hidden=(256, 256), count=2):
        super().__init__()
        self.q_networks = nn.ModuleList(
            [mlp([observation_size + action_size, *hidden, 1]) for _ in range(count)])

    def forward(self, observations, actions):
        inputs = torch.cat([observations, actions], dim=1)
        return tuple(q(inputs) for q in self.q_networks)


class SAC:
    """The state and the gradient step of SB3's `SAC.train()` with `gradient_steps=1`."""

    def __init__(self, observation_size, action_size, lr=3e-4, gamma=0.99, tau=0.005):
        self.actor = Actor(observation_size, action_size)
        self.critic = Critics(observation_size, action_size)
        self.critic_target = copy.deepcopy(self.critic)
        self.critic_target.requires_grad_(False)
        self.actor_optimizer = torch.optim.Adam(self.actor.parameters(), lr=lr)
        self.critic_optimizer = torch.optim.Adam(self.critic.parameters(), lr=lr)
        self.log_ent_coef = torch.zeros(1, requires_grad=True)  # log(1.0): ent_coef="auto"
        self.ent_coef_optimizer = torch.optim.Adam([self.log_ent_coef], lr=lr)
        self.target_entropy = -float(action_size)
        self.gamma, self.tau = gamma, tau

    def train_step(self, observations, actions, rewards, next_observations, dones):
        actions_pi, log_prob = self.actor.action_log_prob(observations)
        log_prob = log_prob.reshape(-1, 1)
        ent_coef = torch.exp(self.log_ent_coef.detach())
        ent_coef_loss = -(self.log_ent_coef * (log_prob + self.target_entropy).detach()).mean()
        self.ent_coef_optimizer.zero_grad()
        ent_coef_loss.backward()
        self.ent_coef_optimizer.step()

        with torch.no_grad():
            next_actions, next_log_prob = self.actor.action_log_prob(next_observations)
            next_q = torch.cat(self.critic_target(next_observations, next_actions), dim=1)
            next_q, _ = torch.min(next_q, dim=1, keepdim=True)
            next_q = next_q - ent_coef * next_log_prob.reshape(-1, 1)
            target_q = rewards + (1 - dones) * self.gamma * next_q

        current_q = self.critic(observations, actions)
        critic_loss = 0.5 * sum(F.mse_loss(q, target_q) for q in current_q)
        self.critic_optimizer.zero_grad()
        critic_loss.backward()
        self.critic_optimizer.step()

        q_pi = torch.cat(self.critic(observations, actions_pi), dim=1)
        min_q_pi, _ = torch.min(q_pi, dim=1, keepdim=True)
        actor_loss = (ent_coef * log_prob - min_q_pi).mean()
        self.actor_optimizer.zero_grad()
        actor_loss.backward()
        self.actor_optimizer.step()

        with torch.no_grad():  # SB3's polyak_update
            for parameter, target in zip(self.critic.parameters(), self.critic_target.parameters()):
                target.data.mul_(1 - self.tau)
                torch.add(target.data, parameter.data, alpha=self.tau, out=target.data)
        return critic_loss.item(), actor_loss.item()


def timed(step, seconds, warmup):
    for _ in range(warmup):
        step()
    count, start = 0, time.perf_counter()
    while True:
        for _ in range(10):
            step()
        count += 10
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def sac_updates_per_second(observation_size, action_size, batch, seconds, warmup):
    torch.manual_seed(0)
    sac = SAC(observation_size, action_size)
    observations = torch.randn(batch, observation_size)
    next_observations = torch.randn(batch, observation_size)
    actions = torch.rand(batch, action_size) * 2 - 1
    rewards = torch.rand(batch, 1) * 2 - 1
    dones = (torch.rand(batch, 1) < 0.01).float()
    return timed(lambda: sac.train_step(observations, actions, rewards, next_observations, dones), seconds, warmup)


class EnsembleLinear(nn.Module):
    """mbrl-lib's `EnsembleLinearLayer`: weight [E, in, out], bias [E, 1, out], baddbmm."""

    def __init__(self, members, inputs, outputs):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(members, inputs, outputs) / (2 * math.sqrt(inputs)))
        self.bias = nn.Parameter(torch.zeros(members, 1, outputs))

    def forward(self, x):
        return torch.baddbmm(self.bias, x, self.weight)


class GaussianEnsemble(nn.Module):
    """mbrl-lib's `GaussianMLP` shape: 4 x 200 SiLU hidden layers, mean and log-variance heads."""

    def __init__(self, members, inputs, outputs, hidden=200, layers=4):
        super().__init__()
        sizes = [inputs] + [hidden] * layers
        body = []
        for index in range(layers):
            body += [EnsembleLinear(members, sizes[index], sizes[index + 1]), nn.SiLU()]
        self.body = nn.Sequential(*body)
        self.head = EnsembleLinear(members, hidden, 2 * outputs)
        self.min_logvar = nn.Parameter(-10 * torch.ones(1, outputs))
        self.max_logvar = nn.Parameter(0.5 * torch.ones(1, outputs))
        self.outputs = outputs

    def forward(self, x):
        out = self.head(self.body(x))
        mean, logvar = out[..., : self.outputs], out[..., self.outputs:]
        logvar = self.max_logvar - F.softplus(self.max_logvar - logvar)
        logvar = self.min_logvar + F.softplus(logvar - self.min_logvar)
        return mean, logvar


def imagined_steps_per_second(states, observation_size, action_size, seconds, warmup, members=7):
    torch.manual_seed(0)
    model = GaussianEnsemble(members, observation_size + action_size, observation_size + 1)
    policy = nn.Sequential(nn.Linear(observation_size, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                           nn.Linear(256, action_size), nn.Tanh())
    input_mean = torch.zeros(1, observation_size + action_size)
    input_std = torch.ones(1, observation_size + action_size)
    start_states = torch.randn(states, observation_size)
    per_member = states // members
    used = per_member * members

    @torch.no_grad()
    def step():
        observations = start_states[:used]
        actions = policy(observations)
        inputs = (torch.cat([observations, actions], dim=1) - input_mean) / input_std
        # Random-model propagation: shuffle rows and give each member an equal share.
        permutation = torch.randperm(used)
        shuffled = inputs[permutation].view(members, per_member, -1)
        mean, logvar = model(shuffled)
        sample = mean + torch.randn_like(mean) * torch.exp(0.5 * logvar)
        sample = sample.view(used, -1)[torch.argsort(permutation)]
        next_observations = observations + sample[:, :observation_size]
        rewards = sample[:, observation_size]
        return next_observations, rewards

    return timed(step, seconds, warmup) * used


def measure(threads, arguments):
    torch.set_num_threads(threads)
    result = {"system": "pytorch", "torch": torch.__version__, "threads": threads, "batch": arguments.batch,
              "cpu": cpu_model()}
    for name, observation_size, action_size in (("pendulum", 3, 1), ("halfcheetah", 17, 6)):
        result[f"{name}_updates_per_second"] = sac_updates_per_second(
            observation_size, action_size, arguments.batch, arguments.seconds, arguments.warmup)
    result["imagined_steps_per_second"] = None if arguments.skip_rollouts else imagined_steps_per_second(
        arguments.states, arguments.observation_size, arguments.action_size, arguments.seconds, max(2, arguments.warmup // 10))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (default: 1 and all cores)")
    parser.add_argument("--seconds", type=float, default=2.0, help="minimum timed seconds per measurement")
    parser.add_argument("--warmup", type=int, default=20, help="untimed SAC updates first")
    parser.add_argument("--batch", type=int, default=256, help="SAC batch size")
    parser.add_argument("--states", type=int, default=100_000, help="imagined start states per step")
    parser.add_argument("--observation-size", type=int, default=17, help="imagined rollout observation size")
    parser.add_argument("--action-size", type=int, default=6, help="imagined rollout action size")
    parser.add_argument("--skip-rollouts", action="store_true", help="measure the SAC updates only")
    parser.add_argument("--json", action="store_true", help="one JSON line per thread count")
    arguments = parser.parse_args()
    cores = os.cpu_count() or 1
    counts = [arguments.threads] if arguments.threads > 0 else sorted({1, cores})
    for threads in counts:
        result = measure(threads, arguments)
        if arguments.json:
            print(json.dumps(result), flush=True)
        else:
            print(f"CPU: {result['cpu']}; {threads} thread(s); torch {result['torch']}")
            for name in ("pendulum", "halfcheetah"):
                print(f"  SAC updates/s, {name} (batch {arguments.batch}): {result[f'{name}_updates_per_second']:.1f}")
            steps = result["imagined_steps_per_second"]
            print("  imagined steps/s: " + ("skipped" if steps is None else f"{steps:.0f}"), flush=True)


if __name__ == "__main__":
    main()
