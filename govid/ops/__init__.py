"""Operations: health and readiness, Prometheus metrics, JSON logs with a request id."""
