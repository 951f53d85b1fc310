using PoolGuard.Monitoring.Watcher;

namespace PoolGuard.Http;

/// <summary>The watcher's samples as API documents.</summary>
internal static class DatabaseViews
{
    public static DatabaseList List(WatcherSnapshot snapshot) => new([.. snapshot.Latest.Select(Document)], snapshot.NotWatched);

    /// <summary>One database with its history; null when it is not watched (or not sampled yet).</summary>
    public static DatabaseDetail? One(DatabaseWatcher watcher, string name) =>
        watcher.Snapshot.Find(name) is { } latest
            ? new DatabaseDetail(Document(latest), [.. watcher.History(name).Select(Point)])
            : null;

    private static DatabaseDocument Document(DatabaseSample s) => new(
        s.Database, s.WatchOnly, StateName(s.State), s.Error, s.TakenAt, s.Duration.TotalMilliseconds,
        s.MaxConnections, s.SuperuserReservedConnections, s.UsableConnections, s.Connections, s.Headroom, s.Utilisation,
        Counts(s.ByState), Counts(s.ByApplication), Counts(s.ByClientAddress), Counts(s.ByUser),
        s.IdleInTransaction, Session(s.OldestIdleInTransaction), Session(s.LongestQuery),
        [.. s.LockWaits.Select(w => new LockWaitDocument(w.Pid, w.BlockedBy, w.Seconds))],
        s.Commits, s.Rollbacks, s.Deadlocks);

    private static DatabaseHistoryPoint Point(DatabaseSample s) => new(
        s.TakenAt, StateName(s.State), s.Connections, s.Headroom, s.IdleInTransaction, s.LockWaits.Count, s.LongestQuery?.Seconds ?? 0);

    public static string StateName(SampleState state) => state == SampleState.Up ? "up" : "down";

    private static IReadOnlyList<ConnectionCountDocument> Counts(IReadOnlyList<ConnectionCount> counts) =>
        [.. counts.Select(c => new ConnectionCountDocument(c.Key, c.Connections))];

    private static SessionDocument? Session(SessionRef? session) =>
        session is null ? null : new SessionDocument(session.Pid, session.Application, session.User, session.ClientAddress, session.Seconds);
}
