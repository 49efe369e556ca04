// The Models module: dynamics models (deterministic MLP, Gaussian MLP, ensembles, latent and
// tabular models), their trainer, and the model-as-environment scorer planners use.
import MBRLCore
