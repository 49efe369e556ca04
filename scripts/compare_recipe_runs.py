#!/usr/bin/env python3
"""Runs every shipped recipe with a short budget through two mbrl-run binaries and compares the
deterministic columns of their results (a check that a refactoring keeps every recipe's results).

    python3 scripts/compare_recipe_runs.py --before OLD_BINARY --after NEW_BINARY [--out DIR]
    python3 scripts/compare_recipe_runs.py --after NEW_BINARY --reference DIR   # compare with saved runs

Loop recipes run with `--episodes 2` and a step cap; maze experiments (`"measure"` in the file)
run `mbrl-run maze` with 2 repetitions. Compared: metrics.csv's episode, phase, return, length,
total_steps, model_fits, training_loss and validation_score (wall times and planning times are
left out), and maze experiments' mean.csv. Exit status 1 when any recipe differs.
"""
import argparse, csv, json, os, subprocess, sys, time

# Per-recipe short budgets: enough steps to pass the exploration phase and fit at least once.
STEP_CAPS = {
    "latent-pointmass-pixels": 1100,
    "latent-pendulum-pixels": 1100,
    "pets-cartpole": 300,
    "pets-pendulum": 300,
    "mcts-cartpole": 300,
    "gradient-shooting-pendulum": 450,
    "mpc-v05-pendulum": 300,
    "mpc-v15-pendulum": 300,
    "dyna-q-maze": 3000,
}
DETERMINISTIC = ["episode", "phase", "return", "length", "total_steps", "model_fits", "training_loss", "validation_score"]


def run(binary, recipe, directory):
    name = os.path.splitext(os.path.basename(recipe))[0]
    spec = json.load(open(recipe))
    env = dict(os.environ, MBRL_THREADS=os.environ.get("MBRL_THREADS", "2"))
    if "measure" in spec:
        command = [binary, "maze", recipe, "--repetitions", "2", "--out", directory]
    else:
        command = [binary, "run", recipe, "--episodes", "2", "--steps", str(STEP_CAPS.get(name, 400)),
                   "--out", directory, "--overwrite", "--set", "output.progress=quiet"]
    started = time.time()
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        return None, f"{' '.join(command)} failed: {result.stderr.strip()[-400:]}", time.time() - started
    return directory, None, time.time() - started


def table(directory):
    maze = os.path.join(directory, "mean.csv")
    if os.path.exists(maze):
        return list(csv.reader(open(maze)))
    rows = list(csv.DictReader(open(os.path.join(directory, "metrics.csv"))))
    return [[row.get(column, "") for column in DETERMINISTIC] for row in rows]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", help="the reference binary")
    parser.add_argument("--after", required=True, help="the binary under test")
    parser.add_argument("--reference", help="a directory of runs made earlier by the reference binary (instead of --before)")
    parser.add_argument("--out", default="runs/compare-recipes", help="where both sets of runs go")
    parser.add_argument("--only", help="comma-separated recipe names")
    arguments = parser.parse_args()
    recipes = sorted(os.path.join("recipes", name) for name in os.listdir("recipes") if name.endswith(".json"))
    if arguments.only:
        wanted = set(arguments.only.split(","))
        recipes = [recipe for recipe in recipes if os.path.splitext(os.path.basename(recipe))[0] in wanted]
    differing = 0
    for recipe in recipes:
        name = os.path.splitext(os.path.basename(recipe))[0]
        if arguments.reference:
            before_directory, before_error = os.path.join(arguments.reference, name), None
        else:
            before_directory, before_error, _ = run(arguments.before, recipe, os.path.join(arguments.out, "before", name))
        after_directory, after_error, seconds = run(arguments.after, recipe, os.path.join(arguments.out, "after", name))
        if before_error or after_error:
            print(f"{name}: ERROR {before_error or after_error}")
            differing += 1
            continue
        before, after = table(before_directory), table(after_directory)
        if before == after:
            print(f"{name}: same ({len(after) - (1 if after and after[0] and after[0][0] == 'step' else 0)} rows, {seconds:.0f} s)")
        else:
            differing += 1
            print(f"{name}: DIFFERENT")
            for index in range(max(len(before), len(after))):
                b = before[index] if index < len(before) else None
                a = after[index] if index < len(after) else None
                if a != b:
                    print(f"  row {index}: before {b}\n          after  {a}")
                    break
    print(f"{len(recipes) - differing} of {len(recipes)} recipes give the same results")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
