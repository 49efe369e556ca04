"""Dynamics-model training throughput of mbrl-lib's ModelTrainer, for comparison with
`mbrl-run bench train`: the same work on the same sizes.

Model: mbrl-lib's PETS cartpole ensemble (GaussianMLP, 7 members, 4 hidden layers of 200, SiLU,
learned log-variance bounds, inputs normalised, delta targets), trained by
`mbrl.models.ModelTrainer` (Adam, lr 7.5e-4, weight decay 3e-5) on a fixed set of
cartpole-sized transitions (4 observation entries, 1 action entry), batch 256 per member,
bootstrap resamples, no validation split (members are scored on the training data after every
epoch, as mbrl-lib does with validation_ratio 0).

Runs with the anchor venv (see /work/shared/anchors/setup_venv.sh):

    /tmp/anchorvenv/bin/python scripts/bench_train_mbrl_lib.py --epochs 5 --threads 2

Prints one JSON line: epochs per second and transitions per second of the timed fit (after a
one-epoch warm-up fit).
"""
import argparse
import json
import time

import numpy as np
import omegaconf
import torch

import mbrl.models
import mbrl.util.common
import mbrl.util.replay_buffer


def synthetic_transitions(count, rng):
    """Cartpole-sized transitions of a smooth made-up system (the values do not change the cost)."""
    obs = rng.normal(size=(count, 4)).astype(np.float32)
    act = rng.uniform(-1, 1, size=(count, 1)).astype(np.float32)
    next_obs = (obs + 0.1 * np.tanh(obs + act)).astype(np.float32)
    reward = np.ones(count, dtype=np.float32)
    terminated = np.zeros(count, dtype=bool)
    truncated = np.zeros(count, dtype=bool)
    return obs, act, next_obs, reward, terminated, truncated


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--transitions", type=int, default=10_000)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    cfg = omegaconf.OmegaConf.create({
        "seed": 0, "device": "cpu",
        "dynamics_model": {
            "_target_": "mbrl.models.GaussianMLP", "device": "cpu", "num_layers": 4,
            "in_size": "???", "out_size": "???", "ensemble_size": 7, "hid_size": 200,
            "deterministic": False, "propagation_method": "random_model",
            "learn_logvar_bounds": True,
            "activation_fn_cfg": {"_target_": "torch.nn.SiLU"}, "_recursive_": False},
        "algorithm": {"learned_rewards": False, "target_is_delta": True, "normalize": True,
                      "normalize_double_precision": True},
        "overrides": {"num_elites": 5},
    })
    model = mbrl.util.common.create_one_dim_tr_model(cfg, (4,), (1,))
    rng = np.random.default_rng(0)
    buffer = mbrl.util.replay_buffer.ReplayBuffer(args.transitions, (4,), (1,), rng=rng)
    buffer.add_batch(*synthetic_transitions(args.transitions, rng))
    model.update_normalizer(buffer.get_all())
    train_iter, val_iter = mbrl.util.common.get_basic_buffer_iterators(
        buffer, batch_size=256, val_ratio=0.0, ensemble_size=7, shuffle_each_epoch=True, bootstrap_permutes=False)
    trainer = mbrl.models.ModelTrainer(model, optim_lr=7.5e-4, weight_decay=3e-5)

    trainer.train(train_iter, dataset_val=val_iter, num_epochs=1, patience=None, silent=True)  # warm-up
    start = time.perf_counter()
    trainer.train(train_iter, dataset_val=val_iter, num_epochs=args.epochs, patience=None, silent=True)
    seconds = time.perf_counter() - start
    print(json.dumps({
        "system": "mbrl-lib", "epochs": args.epochs, "threads": args.threads, "transitions": args.transitions,
        "seconds": seconds, "epochs_per_second": args.epochs / seconds,
        "samples_per_second": args.epochs * args.transitions / seconds,
    }))


if __name__ == "__main__":
    main()
