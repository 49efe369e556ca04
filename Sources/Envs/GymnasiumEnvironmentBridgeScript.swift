extension GymnasiumEnvironment {
    /// The Python side of the bridge, run as `python -u -c <script> <configuration JSON>`.
    ///
    /// Protocol: after start-up the script sends one hello line (`{"ok": true, "gymnasium_version",
    /// "observation_space", "action_space"}`, or `{"ok": false, "kind": "import" | "make" | "space",
    /// "error"}` and exits). Then it reads one JSON request per line from stdin
    /// (`{"command": "reset", "seed": 1}`, `{"command": "step", "action": [..]}`,
    /// `{"command": "spaces"}`, `{"command": "close"}`) and writes one JSON response per line.
    /// Non-finite numbers travel as the strings "nan", "inf" and "-inf". Anything the environment
    /// prints goes to stderr, so stdout carries the protocol only. End of input closes the
    /// environment and exits.
    static let bridgeScript = #"""
import json, math, os, sys

def main():
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def send(message):
        channel.write(json.dumps(message, allow_nan=False) + "\n")
        channel.flush()

    def number(value):
        value = float(value)
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return value

    try:
        import numpy as np
        import gymnasium as gym
    except Exception as error:
        send({"ok": False, "kind": "import", "error": "%s: %s" % (type(error).__name__, error)})
        return 3

    configuration = json.loads(sys.argv[1])
    try:
        env = gym.make(configuration["id"], **configuration.get("kwargs", {}))
    except Exception as error:
        send({"ok": False, "kind": "make", "error": "%s: %s" % (type(error).__name__, error)})
        return 4

    def describe(space, name):
        if isinstance(space, gym.spaces.Box):
            return {"type": "box", "low": [number(v) for v in np.asarray(space.low, dtype=np.float64).ravel()],
                    "high": [number(v) for v in np.asarray(space.high, dtype=np.float64).ravel()],
                    "shape": [int(d) for d in space.shape]}
        if isinstance(space, gym.spaces.Discrete):
            return {"type": "discrete", "n": int(space.n), "start": int(space.start)}
        raise TypeError("the %s space %s is not supported: the bridge handles Box and Discrete spaces "
                        "(flatten others, for example with gymnasium.wrappers.FlattenObservation)" % (name, space))

    try:
        spaces = {"observation_space": describe(env.observation_space, "observation"),
                  "action_space": describe(env.action_space, "action")}
    except Exception as error:
        send({"ok": False, "kind": "space", "error": str(error)})
        env.close()
        return 5
    send(dict(ok=True, gymnasium_version=gym.__version__, **spaces))

    observation_space, action_space = env.observation_space, env.action_space

    def encode_observation(observation):
        if isinstance(observation_space, gym.spaces.Discrete):
            return [int(observation) - int(observation_space.start)]
        return [number(v) for v in np.asarray(observation, dtype=np.float64).ravel()]

    def decode_action(values):
        if isinstance(action_space, gym.spaces.Discrete):
            return int(round(values[0])) + int(action_space.start)
        return np.asarray(values, dtype=np.float64).astype(action_space.dtype).reshape(action_space.shape)

    def encode_info(info):
        encoded = {}
        for key, value in info.items():
            array = np.asarray(value)
            if array.size == 1 and array.dtype.kind in "biuf":
                encoded[str(key)] = number(array.item())
        return encoded

    for line in iter(sys.stdin.readline, ""):
        try:
            request = json.loads(line)
            command = request.get("command")
            if command == "reset":
                observation, info = env.reset(seed=request.get("seed"))
                send({"ok": True, "observation": encode_observation(observation), "info": encode_info(info)})
            elif command == "step":
                observation, reward, terminated, truncated, info = env.step(decode_action(request["action"]))
                send({"ok": True, "observation": encode_observation(observation), "reward": number(reward),
                      "terminated": bool(terminated), "truncated": bool(truncated), "info": encode_info(info)})
            elif command == "spaces":
                send(dict(ok=True, **spaces))
            elif command == "close":
                env.close()
                send({"ok": True})
                return 0
            else:
                send({"ok": False, "kind": "request", "error": "unknown command %r" % (command,)})
        except Exception as error:
            send({"ok": False, "kind": "environment", "error": "%s: %s" % (type(error).__name__, error)})
    env.close()
    return 0

sys.exit(main())
"""#
}
