"""Throwaway servers from Debian's packages for the tests: started on 127.0.0.1, stopped by PID."""
