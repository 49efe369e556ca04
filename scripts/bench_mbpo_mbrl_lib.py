"""Seconds per environment step of mbrl-lib 0.2.0's MBPO (`mbrl.algorithms.mbpo.train`) in steady
state, on its continuous cart-pole, for comparison with `mbrl-run bench mbpo`.

Usage: bench_mbpo_mbrl_lib.py STEPS THREADS [SEED]
Prints one JSON line (the last line of standard output).

Settings: mbrl-lib's own `examples/conf/overrides/mbpo_cartpole.yaml`, `algorithm/mbpo.yaml` and
`dynamics_model/gaussian_mlp_ensemble.yaml`, loaded from the installed package and composed with
omegaconf as `/work/shared/anchors/pets_anchor.py` does for PETS (`_recursive_: false` on the SAC
agent and the dynamics model; `mbrl.planning.complete_agent_cfg`, called by `mbpo.train`, fills the
agent's `???` fields). `mbpo_cartpole.yaml` defines every SAC key `mbpo.yaml` refers to (sac_gamma,
sac_tau, sac_alpha, sac_policy, sac_target_update_interval, sac_automatic_entropy_tuning,
sac_target_entropy, sac_hidden_size, sac_lr, sac_batch_size), so none had to be taken from the
other MBPO overrides files (`mbpo_inv_pendulum.yaml` has the same keys). The environment is
`mbrl.env.cartpole_continuous.CartPoleEnv` under a 200-step `TimeLimit` (a second one for the
evaluation episodes), terminations `mbrl.env.termination_fns.cartpole`; CPU, torch threads THREADS.

Changed from the files: `initial_exploration_steps` 200 (mbrl-run's recipe; the file says 5000),
`num_steps` 200 + STEPS and the real buffer's `dataset_size` large enough to keep every
transition (mbrl-lib sizes it `num_steps` otherwise). mbrl-lib's loop fits the model when
`(env_steps + 1) % 200 == 0`, first at loop step 199 counted from 0 (its first 199 loop steps only
act, since the SAC buffer is empty), then makes 20 SAC updates on every step from there; it runs
whole epochs of 200 steps and checks `num_steps` only between them, so the script stops it by an
exception at the start of loop step 199 + STEPS. The timed steps are loop steps 199 to 198 + STEPS:
STEPS steps with SAC updates, starting with the first fit, and STEPS / 200 fits (three for 600),
the same work as mbrl-run's 600 training steps after its 200 exploration steps. One difference
remains: mbrl-lib's buffer also holds those acting-only steps (and the step that ends with
the fit), so its fits see 400, 600, 800 transitions where mbrl-run's see 200, 400, 600.

Timing (time.perf_counter): from the start of the loop step that ends with the first model fit
to the start of the first step after them, divided by STEPS (`seconds_per_step`; also the
process's CPU time, time.process_time, which other jobs on a busy machine disturb less). Breakdown by wrapping mbrl-lib's functions: model fits (with the saving of the
model and the data to the work directory that `train_model_and_save_model_and_data` does),
model rollouts (`rollout_model_and_populate_sac_buffer`), SAC updates
(`SAC.update_parameters`), real steps (`step_env_and_add_to_buffer`: acting and the environment)
and the evaluation episode mbrl-lib's loop plays at every epoch end (1 episode per 200 steps,
`num_eval_episodes: 1`; part of its loop, so included in `seconds_per_step`, and also reported
without it). Epochs per fit come from `ModelTrainer.train` (early stopping, patience 5, on a 20%
validation split, as the file says).
"""
import json
import os
import platform
import shutil
import sys
import tempfile
import time

import gymnasium as gym
import omegaconf
import torch

import mbrl
import mbrl.algorithms.mbpo as mbpo
import mbrl.env.cartpole_continuous as cartpole_env
import mbrl.env.termination_fns as termination_fns
import mbrl.models
import mbrl.planning
import mbrl.third_party.pytorch_sac_pranz24 as pytorch_sac_pranz24
import mbrl.util.common

EXPLORATION_STEPS = 200


class StopBenchmark(Exception):
    """Raised at the start of the first loop step after the timed ones."""


def main():
    if len(sys.argv) < 3 or sys.argv[1] in ("-h", "--help"):
        print(__doc__)
        sys.exit(0 if len(sys.argv) > 1 else 2)
    steps, threads = int(sys.argv[1]), int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    if steps < 1 or threads < 1:
        sys.exit("bench_mbpo_mbrl_lib.py: STEPS and THREADS must be positive")
    torch.set_num_threads(threads)

    base = os.path.join(os.path.dirname(mbrl.__file__), "examples", "conf")
    overrides = omegaconf.OmegaConf.load(f"{base}/overrides/mbpo_cartpole.yaml")
    algorithm = omegaconf.OmegaConf.load(f"{base}/algorithm/mbpo.yaml")
    dynamics_model = omegaconf.OmegaConf.load(f"{base}/dynamics_model/gaussian_mlp_ensemble.yaml")
    # The timed part starts with the loop step that ends with the first model fit (loop step
    # freq_train_model - 1, counted from 0, after the initial exploration) and stops before loop
    # step first_fit_loop_step + STEPS (mbrl-lib's loop only checks num_steps between epochs).
    first_fit_loop_step = overrides.freq_train_model - 1
    last_loop_step = first_fit_loop_step + steps
    overrides.num_steps = last_loop_step + 1
    algorithm.initial_exploration_steps = EXPLORATION_STEPS
    algorithm.dataset_size = EXPLORATION_STEPS + last_loop_step + 1
    dynamics_model._recursive_ = False
    algorithm.agent._recursive_ = False
    cfg = omegaconf.OmegaConf.create({
        "seed": seed, "device": "cpu", "log_frequency_agent": 1000, "debug_mode": False,
        "overrides": overrides, "algorithm": algorithm, "dynamics_model": dynamics_model,
    })

    times = {"fit": 0.0, "rollout": 0.0, "sac": 0.0, "real_steps": 0.0, "evaluation": 0.0}
    counts = {"fits": 0, "sac_updates": 0, "evaluation_episodes": 0, "real_steps_in_timed_part": 0}
    fit_epochs, fit_transitions = [], []
    state = {"timed_start": None, "cpu_start": None, "end": None, "cpu_end": None, "exploring": False, "loop_steps": 0}

    def timed(key, function, on_call=None):
        def wrapper(*args, **kwargs):
            start = time.perf_counter()
            if on_call is not None:
                on_call(start, *args, **kwargs)
            result = function(*args, **kwargs)
            if state["timed_start"] is not None:
                times[key] += time.perf_counter() - start
            return result
        return wrapper

    def fit_started(start, model, model_trainer, cfg_overrides, replay_buffer, *args, **kwargs):
        counts["fits"] += 1
        fit_transitions.append(len(replay_buffer))

    def sac_update(*args, **kwargs):
        counts["sac_updates"] += 1

    def evaluation(start, env, agent, num_episodes, *args, **kwargs):
        counts["evaluation_episodes"] += num_episodes

    def real_step(start, *args, **kwargs):
        if state["exploring"]:
            return
        if state["loop_steps"] == first_fit_loop_step:
            state["timed_start"], state["cpu_start"] = start, time.process_time()
        if state["loop_steps"] == last_loop_step:
            state["end"], state["cpu_end"] = time.perf_counter(), time.process_time()
            raise StopBenchmark()
        state["loop_steps"] += 1
        if state["timed_start"] is not None:
            counts["real_steps_in_timed_part"] += 1

    def exploration(function):
        def wrapper(*args, **kwargs):
            state["exploring"] = True
            try:
                return function(*args, **kwargs)
            finally:
                state["exploring"] = False
        return wrapper

    original_trainer_train = mbrl.models.ModelTrainer.train

    def trainer_train(self, *args, **kwargs):
        result = original_trainer_train(self, *args, **kwargs)
        fit_epochs.append(len(result[0]))
        return result

    mbrl.models.ModelTrainer.train = trainer_train
    mbrl.util.common.train_model_and_save_model_and_data = timed(
        "fit", mbrl.util.common.train_model_and_save_model_and_data, fit_started)
    mbpo.rollout_model_and_populate_sac_buffer = timed("rollout", mbpo.rollout_model_and_populate_sac_buffer)
    sac_class = pytorch_sac_pranz24.SAC
    sac_class.update_parameters = timed("sac", sac_class.update_parameters, lambda *a, **k: sac_update())
    mbpo.evaluate = timed("evaluation", mbpo.evaluate, evaluation)
    mbrl.util.common.step_env_and_add_to_buffer = timed(
        "real_steps", mbrl.util.common.step_env_and_add_to_buffer, real_step)
    mbrl.util.common.rollout_agent_trajectories = exploration(mbrl.util.common.rollout_agent_trajectories)

    env = gym.wrappers.TimeLimit(cartpole_env.CartPoleEnv(render_mode=None), max_episode_steps=200)
    test_env = gym.wrappers.TimeLimit(cartpole_env.CartPoleEnv(render_mode=None), max_episode_steps=200)
    env.reset(seed=seed)
    test_env.reset(seed=seed + 1)
    torch.manual_seed(seed)
    work_dir = tempfile.mkdtemp(prefix="mbrl-lib-mbpo-bench-")
    try:
        mbpo.train(env, test_env, termination_fns.cartpole, cfg, silent=True, work_dir=work_dir)
    except StopBenchmark:
        pass
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    if state["end"] is None:
        sys.exit("bench_mbpo_mbrl_lib.py: mbrl-lib's loop ended before the timed steps did")
    total = state["end"] - state["timed_start"]
    cpu = state["cpu_end"] - state["cpu_start"]
    other = total - sum(times.values())
    result = {
        "system": "mbrl-lib", "version": getattr(mbrl, "__version__", "?"), "torch": torch.__version__,
        "steps": steps, "threads": threads, "seed": seed, "exploration_steps": EXPLORATION_STEPS,
        "seconds": total, "seconds_per_step": total / steps, "cpu_seconds_per_step": cpu / steps,
        "seconds_per_step_without_evaluation": (total - times["evaluation"]) / steps,
        "model_fits": counts["fits"], "fit_epochs": fit_epochs, "fit_transitions": fit_transitions,
        "sac_updates": counts["sac_updates"], "evaluation_episodes": counts["evaluation_episodes"],
        "real_steps_timed": counts["real_steps_in_timed_part"],
        "fit_seconds_per_step": times["fit"] / steps, "rollout_seconds_per_step": times["rollout"] / steps,
        "sac_seconds_per_step": times["sac"] / steps, "real_step_seconds_per_step": times["real_steps"] / steps,
        "evaluation_seconds_per_step": times["evaluation"] / steps, "other_seconds_per_step": other / steps,
        "python": platform.python_version(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
