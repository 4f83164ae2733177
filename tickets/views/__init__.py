"""The desk's pages of work orders: `orders` (register, queue, the order and its
prints), `callbacks` (the callback queue and the periodic lists), `reports` (the
monthly complaint statistics)."""
