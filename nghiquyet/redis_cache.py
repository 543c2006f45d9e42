"""Django's Redis cache, keeping one redis-py client per connection pool.

Django's client builds a new `redis.Redis` object for every cache call (redis-py 5+ fills
a table of several hundred response callbacks in its constructor: about 0.2 ms of CPU),
so a public page making five cache calls spent a millisecond constructing clients. A
`redis.Redis` is safe to share between threads (each command borrows a connection from
the pool), so one per pool is kept.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
