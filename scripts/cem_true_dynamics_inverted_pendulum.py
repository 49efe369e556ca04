#!/usr/bin/env python3
"""CEM on MuJoCo's true InvertedPendulum-v5 dynamics with the known termination rule.

Answers one question about PETS on InvertedPendulum-v5 with the known rule: how long does the
recipe's planner hold the pole when its model is perfect? Each candidate action sequence is
simulated from the environment's current MuJoCo state; its return is the number of steps before
|angle| > 0.2 (the known rule; the reward is 1 per step alive), as in
recipes/pets-inverted-pendulum.json with --set model.learnedTermination=false.

The planner has the settings of that recipe and of the framework's CEM defaults: population
200, 5 iterations, 20 elites (elite ratio 0.1), momentum 0.1, initial variance
(upper - lower)^2 / 16, samples clipped to the action bounds, the final mean's first action,
warm start from the previous mean shifted by one step.

Usage: python3 scripts/cem_true_dynamics_inverted_pendulum.py HORIZON SEED [STEPS]
Needs Gymnasium with MuJoCo: scripts/install_gymnasium.sh --mujoco. Prints the cart position
and pole angle every 100 steps and the episode's return at the end.
"""
import sys

import numpy as np

try:
    import gymnasium as gym
except ImportError:
    sys.exit("gymnasium is not installed; run scripts/install_gymnasium.sh --mujoco")

POPULATION, ITERATIONS, ELITES, MOMENTUM = 200, 5, 20, 0.1


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: cem_true_dynamics_inverted_pendulum.py HORIZON SEED [STEPS]")
    horizon, seed = int(sys.argv[1]), int(sys.argv[2])
    steps = int(sys.argv[3]) if len(sys.argv) == 4 else 1000
    env = gym.make("InvertedPendulum-v5")
    observation, _ = env.reset(seed=seed)
    simulator = env.unwrapped
    generator = np.random.default_rng(seed)
    lower, upper = float(env.action_space.low[0]), float(env.action_space.high[0])

    def returns(sequences, position, velocity):
        values = np.zeros(len(sequences))
        for index, sequence in enumerate(sequences):
            simulator.set_state(position, velocity)
            alive = 0
            for action in sequence:
                simulator.do_simulation(np.array([action]), simulator.frame_skip)
                state = np.concatenate([simulator.data.qpos, simulator.data.qvel])
                if not (np.isfinite(state).all() and abs(state[1]) <= 0.2):
                    break
                alive += 1
            values[index] = alive
        return values

    previous = np.zeros(horizon)
    total = 0.0
    for step in range(steps):
        position, velocity = simulator.data.qpos.copy(), simulator.data.qvel.copy()
        mean = previous.copy()
        variance = np.full(horizon, (upper - lower) ** 2 / 16)
        for _ in range(ITERATIONS):
            noise = generator.standard_normal((POPULATION, horizon))
            sequences = np.clip(mean + np.sqrt(variance) * noise, lower, upper)
            elites = sequences[np.argsort(-returns(sequences, position, velocity), kind="stable")[:ELITES]]
            mean = MOMENTUM * mean + (1 - MOMENTUM) * elites.mean(axis=0)
            variance = MOMENTUM * variance + (1 - MOMENTUM) * elites.var(axis=0)
        simulator.set_state(position, velocity)
        observation, reward, terminated, truncated, _ = env.step(np.array([mean[0]]))
        total += reward
        previous = np.concatenate([mean[1:], [0.0]])
        if step % 100 == 0:
            print(f"step {step}: cart x {observation[0]:.3f}, pole angle {observation[1]:.3f}", flush=True)
        if terminated or truncated:
            break
    print(f"horizon {horizon}, seed {seed}: return {total:.0f}, "
          f"final cart x {observation[0]:.3f}, pole angle {observation[1]:.3f}", flush=True)


if __name__ == "__main__":
    main()
