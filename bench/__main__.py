"""python -m bench (make bench): every benchmark, one summary line each."""

from __future__ import annotations

from bench import sms

if __name__ == "__main__":
    sms.main()
