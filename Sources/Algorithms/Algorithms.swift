// The Algorithms module: the outer MBRL loop, agents, the policy optimizers (Dyna, MBPO,
// ME-TRPO, guided policy search) with their model-free learners, and policy distillation.
import MBRLCore
import Models
import Planners
