"""Polls a URL at a fixed rate until SIGTERM or SIGINT, then prints one line: requests, failed, longest gap.

A request fails when it gets no answer within the timeout or an answer other than 200; the longest gap
is the longest time between two successful answers (or from the start to the first one), in ms.
Given TIMELINE, also writes there the failed requests of each second from the start, on one line
(bench/chart.py draws them).
Usage: python3 bench/poll.py URL [PER_SECOND [TIMELINE]]   (bench/upgrade.sh runs it; standard library only)
"""

import signal
import sys
import time
import urllib.error
import urllib.request


def main(url, per_second, timeline):
    stopped = []
    signal.signal(signal.SIGTERM, lambda *_: stopped.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopped.append(True))
    period = 1.0 / per_second
    requests = failed = 0
    last_success = start = time.monotonic()
    longest_gap = 0.0
    failed_each_second = []
    next_at = start
    while not stopped:
        requests += 1
        try:
            with urllib.request.urlopen(url, timeout=period * 10) as response:
                ok = response.status == 200
        except (urllib.error.URLError, OSError):  # HTTPError (a 503) is a URLError
            ok = False
        now = time.monotonic()
        if ok:
            longest_gap = max(longest_gap, now - last_success)
            last_success = now
        else:
            failed += 1
        second = int(now - start)
        failed_each_second.extend([0] * (second + 1 - len(failed_each_second)))
        failed_each_second[second] += 0 if ok else 1
        next_at += period
        time.sleep(max(0.0, next_at - time.monotonic()))
    longest_gap = max(longest_gap, time.monotonic() - last_success)
    print(f"{requests} {failed} {longest_gap * 1000:.0f}")
    if timeline:
        with open(timeline, "w", encoding="utf-8") as file:
            file.write(" ".join(map(str, failed_each_second)) + "\n")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3, 4):
        sys.exit(__doc__)
    main(sys.argv[1], float(sys.argv[2]) if len(sys.argv) >= 3 else 20.0, sys.argv[3] if len(sys.argv) == 4 else None)
