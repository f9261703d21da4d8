"""Emulation of the hosted APIs' rate limits, off unless `--rate-limits emulate`.

Kontent.ai: 10 requests/second and 400/minute per environment, whatever the key. Contentful: 10/second
and 36,000/hour per space, reported on every response. Counters live in memory for one process or in
Redis (`--redis-url`) so that several server processes share one budget.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerHour, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import FixedWindowRateLimiter, SlidingWindowCounterRateLimiter

KONTENT_PER_SECOND = RateLimitItemPerSecond(10)
KONTENT_PER_MINUTE = RateLimitItemPerMinute(400)
CONTENTFUL_PER_SECOND = RateLimitItemPerSecond(10)
CONTENTFUL_PER_HOUR = RateLimitItemPerHour(36000)


@dataclass(frozen=True, slots=True)
class KontentDecision:
    allowed: bool
    retry_after: int


@dataclass(frozen=True, slots=True)
class ContentfulDecision:
    allowed: bool
    second_limit: int
    second_remaining: int
    hour_limit: int
    hour_remaining: int
    reset: int

    def headers(self) -> dict[str, str]:
        return {
            "X-Contentful-RateLimit-Second-Limit": str(self.second_limit),
            "X-Contentful-RateLimit-Second-Remaining": str(self.second_remaining),
            "X-Contentful-RateLimit-Hour-Limit": str(self.hour_limit),
            "X-Contentful-RateLimit-Hour-Remaining": str(self.hour_remaining),
            "X-Contentful-RateLimit-Reset": str(self.reset),
        }


def _seconds_until(reset_epoch: float) -> int:
    return max(1, math.ceil(reset_epoch - time.time()))


class RateLimiter:
    """Both dialects' budgets over one `limits` storage."""

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self._second = FixedWindowRateLimiter(storage)
        self._window = SlidingWindowCounterRateLimiter(storage)

    @classmethod
    def create(cls, redis_url: str = "") -> RateLimiter:
        if redis_url:
            uri = redis_url.replace("redis://", "async+redis://", 1).replace("rediss://", "async+rediss://", 1)
            return cls(RedisStorage(uri, implementation="redispy", key_prefix="headwater"))
        return cls(MemoryStorage())

    async def _hit(
        self, limiter: FixedWindowRateLimiter | SlidingWindowCounterRateLimiter, item: RateLimitItem, key: str
    ) -> tuple[bool, int, float]:
        allowed = await limiter.hit(item, key)
        stats = await limiter.get_window_stats(item, key)
        return allowed, stats.remaining, stats.reset_time

    async def hit_kontent(self, environment_id: str) -> KontentDecision:
        key = f"kontent:{environment_id}"
        ok_second, _, reset_second = await self._hit(self._second, KONTENT_PER_SECOND, key)
        if not ok_second:
            return KontentDecision(False, _seconds_until(reset_second))
        ok_minute, _, reset_minute = await self._hit(self._window, KONTENT_PER_MINUTE, key)
        if not ok_minute:
            return KontentDecision(False, _seconds_until(reset_minute))
        return KontentDecision(True, 0)

    async def hit_contentful(self, space_key: str) -> ContentfulDecision:
        key = f"contentful:{space_key}"
        ok_second, second_left, reset_second = await self._hit(self._second, CONTENTFUL_PER_SECOND, key)
        if ok_second:
            ok_hour, hour_left, reset_hour = await self._hit(self._window, CONTENTFUL_PER_HOUR, key)
        else:
            stats = await self._window.get_window_stats(CONTENTFUL_PER_HOUR, key)
            ok_hour, hour_left, reset_hour = True, stats.remaining, stats.reset_time
        allowed = ok_second and ok_hour
        if allowed:
            reset = 0
        elif not ok_second:
            reset = _seconds_until(reset_second)
        else:
            reset = _seconds_until(reset_hour)
        return ContentfulDecision(
            allowed=allowed,
            second_limit=CONTENTFUL_PER_SECOND.amount,
            second_remaining=max(0, second_left),
            hour_limit=CONTENTFUL_PER_HOUR.amount,
            hour_remaining=max(0, hour_left),
            reset=reset,
        )

    async def close(self) -> None:
        reset = getattr(self.storage, "reset", None)
        if isinstance(self.storage, MemoryStorage) and reset is not None:
            await reset()
