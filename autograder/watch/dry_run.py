"""``autograder watch --dry-run``: what one cycle would do, from a read of the sources and the
gradebook; nothing is fetched, graded, written or published."""

from __future__ import annotations

from collections.abc import Iterator

from autograder.collect.api import source_urls
from autograder.errors import UserError
from autograder.watch import outbox
from autograder.watch.poll import listing


def describe(watcher) -> Iterator[str]:
    cfg, book = watcher.cfg, watcher.book
    weeks = watcher.active()
    yield f"weeks watched: {', '.join(a.id for a in weeks) or '(none can take a version now)'}"
    urls = source_urls(cfg)
    known = watcher.listings_read()
    changed, failing = [], []
    for url in urls:
        try:
            if known.get(url) != listing(url):
                changed.append(url)
        except UserError as exc:
            failing.append(f"{url}: {exc.render().splitlines()[0]}")
    yield f"repositories: {len(urls)}; would read {len(changed)} that changed since the last cycle"
    yield from (f"  changed: {u}" for u in changed[:20])
    yield from (f"  unreachable (would retry with backoff): {f}" for f in failing)
    for a in weeks:
        by_student, plan, due = watcher._queue(a)
        have = outbox.published(book, a.id)
        yield (f"{a.id}: would grade {len(plan.grade)} version(s) already collected; "
               f"{len(plan.deferred)} wait for the rate limit")
        for sid, (_, until) in plan.deferred.items():
            yield f"  {sid} queued until {until.isoformat(timespec='minutes')}"
        stale = [sid for sid, mine in by_student.items()
                 if (w := outbox.wanted(mine, None, watcher.clock() >= due[sid], cfg.watch.max_graded_per_hour,
                                        cfg.tz)) is not None and have.get(sid) != w.state]
        yield f"{a.id}: feedback not yet published for {len(stale)} student(s)" + \
            (f" ({', '.join(stale[:10])}{' …' if len(stale) > 10 else ''})" if stale else "")
