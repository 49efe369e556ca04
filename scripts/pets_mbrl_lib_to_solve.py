"""mbrl-lib's whole PETS run on its continuous cart-pole, timed to the first solved episode.

Runs `mbrl.algorithms.pets.train` with mbrl-lib's own default configuration files
(`examples/conf/overrides/pets_cartpole.yaml`, `algorithm/pets.yaml`,
`dynamics_model/gaussian_mlp_ensemble.yaml`, CEM as `examples/conf/action_optimizer/cem.yaml`),
the same set-up as `../shared/anchors/pets_anchor.py`, and stops it after the first episode whose
return reaches --target. Prints one JSON line: the episode that reached it (counted after the 200
random steps, as `mbrl-run bench pets` counts training episodes), the wall time from the start of
`pets.train` (random steps, model fits and planning included), the episode returns, and the peak
resident memory of the process.

With --max-seconds it stops, unsolved, at the first episode end after that many seconds
("stopped_by_time_limit": true): enough to show it takes longer than a given multiple of ours.

Usage: python scripts/pets_mbrl_lib_to_solve.py [--seed S] [--threads T] [--target R]
                                               [--max-steps N] [--max-seconds S] [--work-dir DIR]
Needs mbrl-lib and PyTorch: ../shared/anchors/setup_venv.sh builds /tmp/anchorvenv.
"""
import argparse
import json
import os
import resource
import tempfile
import time

import numpy as np
import omegaconf
import torch

import gymnasium as gym
import mbrl
import mbrl.algorithms.pets as pets
import mbrl.constants
import mbrl.env.cartpole_continuous as cartpole_env
import mbrl.env.reward_fns as reward_fns
import mbrl.env.termination_fns as termination_fns
import mbrl.util


class Solved(Exception):
    """Raised from the results logger once an episode reaches the target return."""


class OutOfTime(Exception):
    """Raised from the results logger at the first episode end after --max-seconds."""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--target", type=float, default=200.0)
    parser.add_argument("--max-steps", type=int, default=4000,
                        help="environment steps after the random ones before giving up")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="stop at the first episode end after this many seconds, unsolved")
    parser.add_argument("--work-dir", default=None)
    arguments = parser.parse_args()

    torch.set_num_threads(arguments.threads)
    np.random.seed(arguments.seed)
    torch.manual_seed(arguments.seed)
    work_dir = arguments.work_dir or tempfile.mkdtemp(prefix="mbrl-lib-pets-")
    os.makedirs(work_dir, exist_ok=True)

    conf = os.path.join(os.path.dirname(mbrl.__file__), "examples", "conf")
    overrides = omegaconf.OmegaConf.load(os.path.join(conf, "overrides", "pets_cartpole.yaml"))
    overrides.num_steps = arguments.max_steps
    algorithm = omegaconf.OmegaConf.load(os.path.join(conf, "algorithm", "pets.yaml"))
    algorithm.agent._recursive_ = False
    dynamics_model = omegaconf.OmegaConf.load(os.path.join(conf, "dynamics_model", "gaussian_mlp_ensemble.yaml"))
    dynamics_model._recursive_ = False
    cfg = omegaconf.OmegaConf.create({
        "seed": arguments.seed, "device": "cpu", "log_frequency_agent": 1000, "debug_mode": False,
        "overrides": overrides, "algorithm": algorithm, "dynamics_model": dynamics_model,
        "action_optimizer": {
            "_target_": "mbrl.planning.CEMOptimizer", "num_iterations": "${overrides.cem_num_iters}",
            "elite_ratio": "${overrides.cem_elite_ratio}", "population_size": "${overrides.cem_population_size}",
            "alpha": "${overrides.cem_alpha}", "lower_bound": "???", "upper_bound": "???",
            "return_mean_elites": True, "device": "${device}", "clipped_normal": "${overrides.cem_clipped_normal}"},
    })

    environment = gym.wrappers.TimeLimit(cartpole_env.CartPoleEnv(render_mode=None), max_episode_steps=200)
    environment.reset(seed=arguments.seed)

    returns, steps = [], []
    original_log_data = mbrl.util.Logger.log_data

    def log_data(self, group_name, data):
        original_log_data(self, group_name, data)
        if group_name == mbrl.constants.RESULTS_LOG_NAME:
            returns.append(float(data["episode_reward"]))
            steps.append(int(data["env_step"]))
            if returns[-1] >= arguments.target:
                raise Solved()
            if arguments.max_seconds is not None and time.perf_counter() - started > arguments.max_seconds:
                raise OutOfTime()

    mbrl.util.Logger.log_data = log_data
    started = time.perf_counter()
    solved, out_of_time = False, False
    try:
        pets.train(environment, termination_fns.cartpole, reward_fns.cartpole, cfg, silent=False, work_dir=work_dir)
    except Solved:
        solved = True
    except OutOfTime:
        out_of_time = True
    wall = time.perf_counter() - started
    initial_steps = int(cfg.algorithm.initial_exploration_steps)
    print(json.dumps({
        "system": "mbrl-lib", "seed": arguments.seed, "target": arguments.target,
        "solved_episode": len(returns) if solved else None, "wall_seconds": wall,
        "environment_steps": initial_steps + (steps[-1] if steps else 0),
        "training_returns": returns, "threads": arguments.threads, "stopped_by_time_limit": out_of_time,
        "peak_resident_megabytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


if __name__ == "__main__":
    main()
