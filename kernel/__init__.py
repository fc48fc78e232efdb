"""The shared kernel: what every app may import and what imports none of them — the
roles, the one domain error, the append-only base of the audit trails, the admin's
read-only bases, the client address, pagination and the role decorator."""
