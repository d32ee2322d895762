"""The HiGHS MILP: candidates, the model, coupling constraints, Lagrangian sifting, diagnosis."""
