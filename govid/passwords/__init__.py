"""The password policy and the hashing choice."""
