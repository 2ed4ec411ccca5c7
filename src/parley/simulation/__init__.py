"""Monte Carlo simulation, sensitivity analysis and distributed sweeps over scenario arrays."""
