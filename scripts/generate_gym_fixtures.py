#!/usr/bin/env python3
"""Generates the parity fixtures in Tests/EnvsTests/Fixtures from Python's Gymnasium.

Usage (after scripts/install_gymnasium.sh):

    python3 scripts/generate_gym_fixtures.py [--out Tests/EnvsTests/Fixtures]

For each classic-control environment the script plays many episodes through `gymnasium.make(id)`
(so Gymnasium's own TimeLimit decides `truncated`). Every episode starts with `reset`, then sets
`env.unwrapped.state` to a state drawn from a range wider than the reset distribution (so the
dynamics, clipping and termination rules are exercised), and steps with random actions (a few
episodes use a simple balancing controller instead, so that they run into the time limit). Some
episodes go on for a few steps after termination, to record Gymnasium's behaviour there.

ContinuousCartPole has no Gymnasium registration: its fixture comes from
`ContinuousCartPoleTranscription` below, a line-by-line transcription of the step of mbrl-lib's
`mbrl/env/cartpole_continuous.py` (NumPy scalar types kept as they are there), with a 200-step
limit as mbrl-lib's PETS cartpole recipe uses.

Each fixture is a JSON file:

    {"environment": ID, "source": "...", "max_episode_steps": N,
     "episodes": [{"initial_state": [float64, full precision],
                   "initial_observation": [...],
                   "actions": [[...], ...], "observations": [[...], ...],
                   "rewards": [...], "terminated": [...], "truncated": [...]}, ...]}

Observations, actions and rewards are written with 9 significant digits (enough to restore a
float32 exactly); initial states with 17.
"""

import argparse
import json
import math
import os
import warnings

import numpy as np

SEED = 20240601


def fmt(value, digits=9):
    """A number as a JSON token with `digits` significant digits."""
    value = float(value)
    if value == 0.0:
        return "0"
    text = f"{value:.{digits}g}"
    return text


def row(values, digits=9):
    return "[" + ",".join(fmt(v, digits) for v in values) + "]"


def write_fixture(path, environment, source, max_episode_steps, episodes):
    """Writes the fixture by hand so every number has the chosen precision and the file is compact."""
    lines = [
        "{",
        f'"environment":{json.dumps(environment)},',
        f'"source":{json.dumps(source)},',
        f'"max_episode_steps":{max_episode_steps},',
        '"episodes":[',
    ]
    for index, episode in enumerate(episodes):
        parts = [
            '{"initial_state":' + row(episode["initial_state"], 17),
            '"initial_observation":' + row(episode["initial_observation"]),
            '"actions":[' + ",".join(row(a) for a in episode["actions"]) + "]",
            '"observations":[' + ",".join(row(o) for o in episode["observations"]) + "]",
            '"rewards":' + row(episode["rewards"], 10),
            '"terminated":' + json.dumps(episode["terminated"]).replace(" ", ""),
            '"truncated":' + json.dumps(episode["truncated"]).replace(" ", "") + "}",
        ]
        lines.append(",\n".join(parts) + ("," if index + 1 < len(episodes) else ""))
    lines.append("]}")
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    steps = sum(len(e["actions"]) for e in episodes)
    print(f"{os.path.normpath(path)}: {len(episodes)} episodes, {steps} steps, {os.path.getsize(path)} bytes")


def play(env, initial_state, choose_action, max_steps, extra_after_termination, set_state):
    """Plays one episode from `initial_state` (set after a reset, which starts Gymnasium's time
    limit count); returns the recorded episode."""
    env.reset(seed=0)
    set_state(initial_state)
    observation = np.array(env.unwrapped._get_obs() if hasattr(env.unwrapped, "_get_obs")
                           else env.unwrapped._get_ob() if hasattr(env.unwrapped, "_get_ob")
                           else env.unwrapped.state, dtype=np.float32)
    episode = {
        "initial_state": [float(v) for v in initial_state],
        "initial_observation": [float(v) for v in observation],
        "actions": [], "observations": [], "rewards": [], "terminated": [], "truncated": [],
    }
    remaining_after_end = None
    for _ in range(max_steps):
        action = choose_action(observation)
        observation, reward, terminated, truncated, _ = env.step(action)
        episode["actions"].append([float(v) for v in np.atleast_1d(action)])
        episode["observations"].append([float(v) for v in np.asarray(observation, dtype=np.float64)])
        episode["rewards"].append(float(reward))
        episode["terminated"].append(bool(terminated))
        episode["truncated"].append(bool(truncated))
        if truncated:
            break
        if terminated:
            if remaining_after_end is None:
                remaining_after_end = extra_after_termination
            if remaining_after_end == 0:
                break
            remaining_after_end -= 1
    return episode


# MARK: - Gymnasium environments

def cartpole_episodes(rng):
    import gymnasium as gym
    env = gym.make("CartPole-v1")

    def set_state(state):
        env.unwrapped.state = np.array(state, dtype=np.float64)

    def balance(observation):
        x, x_dot, theta, theta_dot = observation
        return int(theta + 0.5 * theta_dot + 0.05 * x + 0.2 * x_dot > 0)

    episodes = []
    for index in range(70):
        if index < 10:
            state = rng.uniform(-0.05, 0.05, size=4)
        else:
            state = rng.uniform([-2.3, -1.5, -0.2, -1.5], [2.3, 1.5, 0.2, 1.5])
        extra = 3 if index % 4 == 0 else 0
        episodes.append(play(env, state, lambda _: int(rng.integers(2)), 500, extra, set_state))
    # Balanced episodes run into the 500-step limit.
    episodes.append(play(env, rng.uniform(-0.05, 0.05, size=4), balance, 500, 0, set_state))
    return env, episodes


def pendulum_episodes(rng):
    import gymnasium as gym
    env = gym.make("Pendulum-v1")

    def set_state(state):
        env.unwrapped.state = np.array(state, dtype=np.float64)

    def action(_):
        # Wider than the action space, so the clip to [-2, 2] is exercised.
        return rng.uniform(-2.5, 2.5, size=1).astype(np.float32)

    episodes = []
    for index in range(4):  # full episodes, truncated at 200
        state = rng.uniform([-np.pi, -1.0], [np.pi, 1.0])
        episodes.append(play(env, state, action, 200, 0, set_state))
    for index in range(30):
        state = rng.uniform([-3 * np.pi, -9.0], [3 * np.pi, 9.0])
        episodes.append(play(env, state, action, 20, 0, set_state))
    return env, episodes


def mountain_car_episodes(rng):
    import gymnasium as gym
    env = gym.make("MountainCarContinuous-v0")

    def set_state(state):
        env.unwrapped.state = np.array(state, dtype=np.float64)

    def action(_):
        return rng.uniform(-1.5, 1.5, size=1).astype(np.float32)

    episodes = [play(env, [rng.uniform(-0.6, -0.4), 0.0], action, 999, 0, set_state)]
    for index in range(40):
        if index % 3 == 0:  # near the goal, moving right: termination
            state = rng.uniform([0.35, 0.0], [0.45, 0.07])
        elif index % 3 == 1:  # near the left wall, moving left: the inelastic collision
            state = rng.uniform([-1.2, -0.07], [-1.1, 0.0])
        else:
            state = rng.uniform([-1.2, -0.07], [0.6, 0.07])
        episodes.append(play(env, state, action, 20, 2 if index % 2 == 0 else 0, set_state))
    return env, episodes


def acrobot_episodes(rng):
    import gymnasium as gym
    env = gym.make("Acrobot-v1")

    def set_state(state):
        env.unwrapped.state = np.array(state, dtype=np.float64)

    def action(_):
        return int(rng.integers(3))

    episodes = [play(env, rng.uniform(-0.1, 0.1, size=4), action, 500, 0, set_state)]
    for index in range(40):
        if index % 2 == 0:  # anywhere, fast: often starts at or near the goal height
            state = rng.uniform([-np.pi, -np.pi, -4 * np.pi, -9 * np.pi],
                                [np.pi, np.pi, 4 * np.pi, 9 * np.pi])
        else:  # hanging, spinning: long swings, wrap of the angles, bound of the velocities
            state = rng.uniform([-1.0, -1.0, -2 * np.pi, -6 * np.pi], [1.0, 1.0, 2 * np.pi, 6 * np.pi])
        episodes.append(play(env, state, action, 25, 2 if index % 4 == 0 else 0, set_state))
    return env, episodes


# MARK: - mbrl-lib's continuous cartpole

class ContinuousCartPoleTranscription:
    """The step of mbrl-lib's `mbrl/env/cartpole_continuous.py` (CartPoleEnv), transcribed line
    by line, with a 200-step time limit. Only what the fixture needs: no rendering, no seeding."""

    max_episode_steps = 200

    def __init__(self):
        self.gravity = 9.8
        self.masscart = 1.0
        self.masspole = 0.1
        self.total_mass = self.masspole + self.masscart
        self.length = 0.5  # actually half the pole's length
        self.polemass_length = self.masspole * self.length
        self.force_mag = 10.0
        self.tau = 0.02  # seconds between state updates
        self.kinematics_integrator = "euler"
        self.theta_threshold_radians = 12 * 2 * math.pi / 360
        self.x_threshold = 2.4
        self.state = None
        self.steps_beyond_done = None
        self.elapsed_steps = 0

    def reset(self, state):
        self.state = np.array(state, dtype=np.float64)
        self.steps_beyond_done = None
        self.elapsed_steps = 0
        return np.array(self.state)

    def step(self, action):
        action = action.squeeze()
        x, x_dot, theta, theta_dot = self.state
        force = action * self.force_mag
        costheta = math.cos(theta)
        sintheta = math.sin(theta)
        temp = (force + self.polemass_length * theta_dot**2 * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * costheta**2 / self.total_mass)
        )
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = (x, x_dot, theta, theta_dot)
        terminated = bool(
            x < -self.x_threshold
            or x > self.x_threshold
            or theta < -self.theta_threshold_radians
            or theta > self.theta_threshold_radians
        )
        if not terminated:
            reward = 1.0
        elif self.steps_beyond_done is None:
            self.steps_beyond_done = 0
            reward = 1.0
        else:
            self.steps_beyond_done += 1
            reward = 0.0
        self.elapsed_steps += 1
        truncated = self.elapsed_steps >= self.max_episode_steps
        return np.array(self.state), reward, terminated, truncated, {}


def continuous_cartpole_episodes(rng):
    env = ContinuousCartPoleTranscription()

    def play_transcription(state, choose_action, max_steps, extra):
        observation = env.reset(state)
        episode = {
            "initial_state": [float(v) for v in state],
            "initial_observation": [float(v) for v in observation.astype(np.float32)],
            "actions": [], "observations": [], "rewards": [], "terminated": [], "truncated": [],
        }
        remaining = None
        for _ in range(max_steps):
            action = choose_action(observation)
            observation, reward, terminated, truncated, _ = env.step(action)
            episode["actions"].append([float(v) for v in action])
            episode["observations"].append([float(v) for v in observation])
            episode["rewards"].append(float(reward))
            episode["terminated"].append(bool(terminated))
            episode["truncated"].append(bool(truncated))
            if truncated:
                break
            if terminated:
                remaining = extra if remaining is None else remaining
                if remaining == 0:
                    break
                remaining -= 1
        return episode

    def random_action(_):
        return rng.uniform(-1.0, 1.0, size=1).astype(np.float32)

    def balance(observation):
        x, x_dot, theta, theta_dot = observation
        value = 2.0 * (theta + 0.5 * theta_dot + 0.05 * x + 0.2 * x_dot)
        return np.array([min(max(value, -1.0), 1.0)], dtype=np.float32)

    episodes = []
    for index in range(60):
        if index < 10:
            state = rng.uniform(-0.05, 0.05, size=4)
        else:
            state = rng.uniform([-2.3, -1.5, -0.2, -1.5], [2.3, 1.5, 0.2, 1.5])
        episodes.append(play_transcription(state, random_action, 200, 3 if index % 4 == 0 else 0))
    episodes.append(play_transcription(rng.uniform(-0.05, 0.05, size=4), balance, 200, 0))
    return episodes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "Tests", "EnvsTests", "Fixtures"))
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    warnings.simplefilter("ignore")

    import gymnasium

    source = f"gymnasium {gymnasium.__version__}, numpy {np.__version__}"
    generators = [
        ("CartPole-v1", "cartpole", cartpole_episodes, 500),
        ("Pendulum-v1", "pendulum", pendulum_episodes, 200),
        ("MountainCarContinuous-v0", "mountain_car_continuous", mountain_car_episodes, 999),
        ("Acrobot-v1", "acrobot", acrobot_episodes, 500),
    ]
    for offset, (environment, name, generate, limit) in enumerate(generators):
        rng = np.random.default_rng(SEED + offset)
        env, episodes = generate(rng)
        env.close()
        write_fixture(os.path.join(arguments.out, f"{name}.json"), environment, source, limit, episodes)

    rng = np.random.default_rng(SEED + len(generators))
    write_fixture(
        os.path.join(arguments.out, "continuous_cartpole.json"),
        "ContinuousCartPole-v0",
        f"transcription of mbrl-lib mbrl/env/cartpole_continuous.py, numpy {np.__version__}",
        ContinuousCartPoleTranscription.max_episode_steps,
        continuous_cartpole_episodes(rng),
    )


if __name__ == "__main__":
    main()
