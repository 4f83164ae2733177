"""Printed forms of the registers, one module per register that prints (`frontdesk.core.pdf`)."""
