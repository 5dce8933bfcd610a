"""Pub/sub with several clients: SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE, PUBLISH receiver counts,
message order, UNSUBSCRIBE without arguments, the RESP2 subscribed-mode restriction and
PUBSUB introspection. Runs against memkeydb and redis-server."""

import time

import pytest

from helpers.resp import Reply

from _util import bulk

SUBSCRIBED_MODE_ERROR = (
    "ERR Can't execute '%s': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
    "are allowed in this context")


@pytest.fixture(params=["memkeydb", "redis"])
def server(request, server_factory):
    return getattr(server_factory, request.param)()


def arr(*items):
    return Reply("*", tuple(items))


def subscribe_reply(kind, channel, count):
    return arr(bulk(kind), bulk(channel), Reply(":", count))


def message(channel, payload):
    return arr(bulk("message"), bulk(channel), bulk(payload))


def pmessage(pattern, channel, payload):
    return arr(bulk("pmessage"), bulk(pattern), bulk(channel), bulk(payload))


def subscribe(conn, verb, *channels, start=0):
    conn.send_command(verb, *channels)
    for i, ch in enumerate(channels):
        assert conn.read_reply() == subscribe_reply(verb.lower(), ch, start + i + 1)


def wait_for(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_publish_counts_every_receiver(server):
    pub = server.connect()
    subs = [server.connect() for _ in range(3)]
    for s in subs:
        subscribe(s, "SUBSCRIBE", "news")
    assert pub.execute("PUBLISH", "news", "one") == Reply(":", 3)
    for s in subs:
        assert s.read_reply() == message("news", "one")

    psub = server.connect()
    subscribe(psub, "PSUBSCRIBE", "n*", "*s")
    # 3 channel subscribers + 2 matching patterns of one client
    assert pub.execute("PUBLISH", "news", "two") == Reply(":", 5)
    for s in subs:
        assert s.read_reply() == message("news", "two")
    got = {psub.read_reply(), psub.read_reply()}
    assert got == {pmessage("n*", "news", "two"), pmessage("*s", "news", "two")}

    # a client subscribed to the channel and to a matching pattern gets both
    subscribe(subs[0], "PSUBSCRIBE", "new?", start=1)
    assert pub.execute("PUBLISH", "news", "three") == Reply(":", 6)
    assert subs[0].read_reply() == message("news", "three")
    assert subs[0].read_reply() == pmessage("new?", "news", "three")
    got = {psub.read_reply(), psub.read_reply()}
    assert got == {pmessage("n*", "news", "three"), pmessage("*s", "news", "three")}

    assert pub.execute("PUBLISH", "nobody", "x") == Reply(":", 1)  # n* only
    assert psub.read_reply() == pmessage("n*", "nobody", "x")
    assert pub.execute("PUBLISH", "zzz", "x") == Reply(":", 0)


def test_messages_arrive_in_publish_order(server):
    pub, sub, psub = server.connect(), server.connect(), server.connect()
    subscribe(sub, "SUBSCRIBE", "a", "b")
    subscribe(psub, "PSUBSCRIBE", "*")
    n = 1000
    cmds = [["PUBLISH", "a" if i % 2 else "b", "m%d" % i] for i in range(n)]
    replies = pub.pipeline(cmds)
    assert replies == [Reply(":", 2)] * n
    for i in range(n):
        ch = "a" if i % 2 else "b"
        assert sub.read_reply() == message(ch, "m%d" % i)
        assert psub.read_reply() == pmessage("*", ch, "m%d" % i)


def test_binary_channels_and_payloads(server):
    pub, sub = server.connect(), server.connect()
    channel = b"ch\x00\r\n\xff"
    payload = bytes(range(256)) * 40
    subscribe(sub, "SUBSCRIBE", channel)
    assert pub.execute("PUBLISH", channel, payload) == Reply(":", 1)
    assert sub.read_reply() == message(channel, payload)
    assert pub.execute("PUBLISH", b"ch", b"") == Reply(":", 0)


def test_glob_patterns(server):
    pub, sub = server.connect(), server.connect()
    subscribe(sub, "PSUBSCRIBE", "h?llo", "h[ae]y", "x\\*")
    cases = [("hello", "h?llo"), ("hallo", "h?llo"), ("hey", "h[ae]y"), ("hay", "h[ae]y"),
             ("x*", "x\\*")]
    for ch, pattern in cases:
        assert pub.execute("PUBLISH", ch, "m") == Reply(":", 1), ch
        assert sub.read_reply() == pmessage(pattern, ch, "m")
    for ch in ("hllo", "hoy", "xy", "heello"):
        assert pub.execute("PUBLISH", ch, "m") == Reply(":", 0), ch


def test_unsubscribe_without_arguments(server):
    pub, sub = server.connect(), server.connect()
    subscribe(sub, "SUBSCRIBE", "a", "b", "c", "d")
    sub.send_command("UNSUBSCRIBE")
    got = [sub.read_reply() for _ in range(4)]
    assert all(r.kind == "*" and r.value[0] == bulk("unsubscribe") for r in got), got
    assert sorted(r.value[1].value for r in got) == [b"a", b"b", b"c", b"d"]
    assert [r.value[2] for r in got] == [Reply(":", 3), Reply(":", 2), Reply(":", 1),
                                         Reply(":", 0)]
    assert pub.execute("PUBLISH", "a", "x") == Reply(":", 0)
    # out of subscribed mode: ordinary commands work again
    assert sub.execute("ECHO", "back") == bulk("back")
    # with nothing subscribed, each variant answers once with a null channel and count 0
    for verb in ("UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"):
        assert sub.execute(verb) == arr(bulk(verb.lower()), Reply("$", None), Reply(":", 0))


def test_punsubscribe_without_arguments(server):
    sub = server.connect()
    subscribe(sub, "PSUBSCRIBE", "x*", "y*", "z*")
    sub.send_command("PUNSUBSCRIBE")
    got = [sub.read_reply() for _ in range(3)]
    assert sorted(r.value[1].value for r in got) == [b"x*", b"y*", b"z*"]
    assert [r.value[2].value for r in got] == [2, 1, 0]
    assert all(r.value[0] == bulk("punsubscribe") for r in got)
    assert sub.execute("PING") == Reply("+", b"PONG")


def test_subscription_counts_mix_channels_and_patterns(server):
    """The count in (un)subscribe replies is channels + patterns; shard channels count apart."""
    sub = server.connect()
    subscribe(sub, "SSUBSCRIBE", "s1", "s2")
    sub.send_command("PSUBSCRIBE", "p")
    assert sub.read_reply() == subscribe_reply("psubscribe", "p", 1)
    sub.send_command("SUBSCRIBE", "c")
    assert sub.read_reply() == subscribe_reply("subscribe", "c", 2)
    sub.send_command("SUBSCRIBE", "c")  # again: no new subscription
    assert sub.read_reply() == subscribe_reply("subscribe", "c", 2)
    sub.send_command("UNSUBSCRIBE", "nope")
    assert sub.read_reply() == subscribe_reply("unsubscribe", "nope", 2)
    sub.send_command("SUNSUBSCRIBE", "s1")
    assert sub.read_reply() == subscribe_reply("sunsubscribe", "s1", 1)


def test_ssubscribe_and_spublish(server):
    pub, a, b = server.connect(), server.connect(), server.connect()
    subscribe(a, "SSUBSCRIBE", "shard")
    subscribe(b, "SSUBSCRIBE", "shard", "other")
    subscribe(b, "SUBSCRIBE", "shard")  # a plain channel of the same name is separate
    assert pub.execute("SPUBLISH", "shard", "m") == Reply(":", 2)
    for s in (a, b):
        assert s.read_reply() == arr(bulk("smessage"), bulk("shard"), bulk("m"))
    assert pub.execute("PUBLISH", "shard", "p") == Reply(":", 1)
    assert b.read_reply() == message("shard", "p")
    # a set: order unspecified
    assert sorted(pub.execute("PUBSUB", "SHARDCHANNELS").value) == [bulk("other"), bulk("shard")]
    assert pub.execute("PUBSUB", "SHARDNUMSUB", "shard", "other", "none") == arr(
        bulk("shard"), Reply(":", 2), bulk("other"), Reply(":", 1), bulk("none"), Reply(":", 0))
    b.send_command("SUNSUBSCRIBE")
    got = {b.read_reply().value[1].value for _ in range(2)}
    assert got == {b"shard", b"other"}
    assert pub.execute("SPUBLISH", "shard", "m") == Reply(":", 1)


def test_resp2_subscribed_mode_restrictions(server):
    sub = server.connect()
    subscribe(sub, "SUBSCRIBE", "a")
    assert sub.execute("GET", "k") == Reply("-", (SUBSCRIBED_MODE_ERROR % "get").encode())
    assert sub.execute("ECHO", "x") == Reply("-", (SUBSCRIBED_MODE_ERROR % "echo").encode())
    assert sub.execute("ping") == arr(bulk("pong"), bulk(""))
    assert sub.execute("PING", "hi") == arr(bulk("pong"), bulk("hi"))
    # allowed: more (un)subscriptions
    subscribe(sub, "PSUBSCRIBE", "p*", start=1)
    sub.send_command("SSUBSCRIBE", "s")
    assert sub.read_reply() == subscribe_reply("ssubscribe", "s", 1)
    # shard subscriptions alone also keep the client in subscribed mode
    sub.send_command("UNSUBSCRIBE")
    assert sub.read_reply() == subscribe_reply("unsubscribe", "a", 1)
    sub.send_command("PUNSUBSCRIBE")
    assert sub.read_reply() == subscribe_reply("punsubscribe", "p*", 0)
    assert sub.execute("ECHO", "x") == Reply("-", (SUBSCRIBED_MODE_ERROR % "echo").encode())
    sub.send_command("SUNSUBSCRIBE")
    assert sub.read_reply() == subscribe_reply("sunsubscribe", "s", 0)
    assert sub.execute("ECHO", "x") == bulk("x")
    # QUIT is allowed in subscribed mode
    subscribe(sub, "SUBSCRIBE", "a")
    assert sub.execute("QUIT") == Reply("+", b"OK")
    assert sub.is_closed_by_peer()


def test_resp3_has_no_subscribed_mode_restriction(server):
    sub, pub = server.connect(), server.connect()
    sub.execute("HELLO", "3")
    sub.send_command("SUBSCRIBE", "a")
    assert sub.read_reply() == Reply(">", (bulk("subscribe"), bulk("a"), Reply(":", 1)))
    assert sub.execute("ECHO", "x") == bulk("x")
    assert sub.execute("PING") == Reply("+", b"PONG")
    r = sub.execute("GET", "k")
    assert r in (Reply("_", None),) or r.value.startswith(b"ERR unknown command"), r
    assert pub.execute("PUBLISH", "a", "m") == Reply(":", 1)
    assert sub.read_reply() == Reply(">", (bulk("message"), bulk("a"), bulk("m")))


def test_subscribe_argument_errors(server):
    c = server.connect()
    for verb in ("SUBSCRIBE", "PSUBSCRIBE", "SSUBSCRIBE"):
        assert c.execute(verb) == Reply(
            "-", b"ERR wrong number of arguments for '%s' command" % verb.lower().encode())
    assert c.execute("PUBLISH", "a") == Reply(
        "-", b"ERR wrong number of arguments for 'publish' command")


def test_pubsub_introspection(server):
    admin = server.connect()
    assert admin.execute("PUBSUB", "CHANNELS") == arr()
    assert admin.execute("PUBSUB", "NUMPAT") == Reply(":", 0)
    s1, s2, s3 = server.connect(), server.connect(), server.connect()
    subscribe(s1, "SUBSCRIBE", "news.a", "news.b", "sport")
    subscribe(s2, "SUBSCRIBE", "news.a")
    subscribe(s3, "PSUBSCRIBE", "news.*", "sport*")
    subscribe(s2, "PSUBSCRIBE", "news.*", start=1)  # same pattern, another client

    assert sorted(admin.execute("PUBSUB", "CHANNELS").value) == [
        bulk("news.a"), bulk("news.b"), bulk("sport")]
    assert sorted(admin.execute("PUBSUB", "CHANNELS", "news.*").value) == [
        bulk("news.a"), bulk("news.b")]
    assert admin.execute("PUBSUB", "CHANNELS", "x*") == arr()
    assert admin.execute("PUBSUB", "NUMSUB", "news.a", "news.b", "nope") == arr(
        bulk("news.a"), Reply(":", 2), bulk("news.b"), Reply(":", 1), bulk("nope"), Reply(":", 0))
    assert admin.execute("PUBSUB", "NUMSUB") == arr()
    # NUMPAT counts distinct patterns (Redis 7.0), not subscriptions
    assert admin.execute("PUBSUB", "NUMPAT") == Reply(":", 2)
    assert admin.execute("PUBSUB", "NUMPAT", "x") == Reply(
        "-", b"ERR wrong number of arguments for 'pubsub|numpat' command")
    assert admin.execute("PUBSUB", "FOO") == Reply(
        "-", b"ERR unknown subcommand 'FOO'. Try PUBSUB HELP.")

    # a client that disconnects loses its subscriptions
    s1.close()
    assert wait_for(lambda: admin.execute("PUBSUB", "NUMSUB", "news.a") == arr(
        bulk("news.a"), Reply(":", 1)))
    assert sorted(admin.execute("PUBSUB", "CHANNELS").value) == [bulk("news.a")]
    s3.close()
    assert wait_for(lambda: admin.execute("PUBSUB", "NUMPAT") == Reply(":", 1))
    s2.execute("RESET")
    assert admin.execute("PUBSUB", "NUMPAT") == Reply(":", 0)
    assert admin.execute("PUBSUB", "CHANNELS") == arr()


def test_redis_py_pubsub(server):
    r = server.redis_py()
    p = r.pubsub()
    p.subscribe("chan")
    p.psubscribe("pat*")
    msgs = [p.get_message(timeout=5) for _ in range(2)]
    assert [m["type"] for m in msgs] == ["subscribe", "psubscribe"]
    assert r.publish("chan", "hello") == 1
    assert r.publish("pattern", "world") == 1
    m1 = p.get_message(timeout=5)
    m2 = p.get_message(timeout=5)
    assert (m1["type"], m1["channel"], m1["data"]) == ("message", b"chan", b"hello")
    assert (m2["type"], m2["pattern"], m2["channel"], m2["data"]) == (
        "pmessage", b"pat*", b"pattern", b"world")
    assert r.pubsub_numsub("chan") == [(b"chan", 1)]
    assert r.pubsub_numpat() == 1
    p.close()
    r.close()
