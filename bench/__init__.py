"""govid's benchmarks: each prints one line with a ratio to a baseline measured in the same run."""
