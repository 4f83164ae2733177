"""The front desk's benchmark: a desk-scale dataset and timed measurements with budgets."""
