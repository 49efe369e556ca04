// The Envs module: built-in environments that match Gymnasium step for step, wrappers (time
// limit, pixels), their batched reward and termination functions, the environment checker and
// the bridge to a real Gymnasium process.
import MBRLCore
