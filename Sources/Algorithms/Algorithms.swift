// The Algorithms module: the outer MBRL loop, agents, and the policy optimizers (Dyna, MBPO,
// ME-TRPO, guided policy search) with their model-free learners.
import MBRLCore
import Models
import Planners
