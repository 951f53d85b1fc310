using PoolGuard.Monitoring.Watcher;
using static PoolGuard.Monitoring.Diagnosis.DiagnosisFacts;

namespace PoolGuard.Monitoring.Diagnosis;

public static partial class Diagnoser
{
    /// <summary>A query running this long is slow for a pooled OLTP workload; a lock wait this long queues everyone behind it.</summary>
    private const double SlowSeconds = 5, LongLockWaitSeconds = 5, OldIdleTransactionSeconds = 60;

    /// <summary>Slow queries: the longest query not waiting for a lock, and the gateway's mean query time over the window.</summary>
    private static Finding SlowQueries(DiagnosisFacts facts)
    {
        const string Title = "slow queries";
        var evidence = new List<string>();
        // A query waiting for a lock is lock contention, not a slow query: leave those out.
        var longest = facts.Up
            .Where(s => s.LongestQuery is { } q && s.LockWaits.All(w => w.Pid != q.Pid))
            .Select(s => s.LongestQuery!).MaxBy(q => q.Seconds);
        double? meanMs = null;
        if (facts.First is { } first && facts.Last is { } last && last.QueriesTotal > first.QueriesTotal)
        {
            var queries = last.QueriesTotal - first.QueriesTotal;
            meanMs = (last.QueryTimeSecondsTotal - first.QueryTimeSecondsTotal) * 1000 / queries;
            evidence.Add($"mean query time through the gateway {Number(meanMs.Value)} ms over {queries} queries in {Seconds(facts.GatewaySeconds)}");
        }
        if (longest is not null)
        {
            evidence.Add($"longest running query: pid {longest.Pid} ({Who(longest)}) for {Seconds(longest.Seconds)}");
            var waiting = facts.LatestUp.SelectMany(s => s.LockWaits).Count(w => w.BlockedBy.Contains(longest.Pid));
            if (waiting > 0)
            {
                evidence.Add($"{waiting} session(s) wait directly for its locks (see lock contention)");
            }
        }
        if (facts.Up.Count == 0 && meanMs is null)
        {
            return new Finding(Cause.SlowQueries, Title, FindingStatus.NoData, Health.Degraded, 0, NoSample(facts), evidence);
        }
        var seconds = longest?.Seconds ?? 0;
        if (seconds >= SlowSeconds)
        {
            return new Finding(Cause.SlowQueries, Title, FindingStatus.Confirmed, Health.Degraded, 40 + seconds,
                $"a query has run for {Seconds(seconds)} (pid {longest!.Pid}, {Who(longest)})", evidence);
        }
        if (seconds >= 1 || meanMs >= 100)
        {
            return new Finding(Cause.SlowQueries, Title, FindingStatus.Possible, Health.Degraded, 20 + seconds,
                meanMs >= 100 ? $"queries take {Number(meanMs.Value)} ms on average" : $"a query has run for {Seconds(seconds)}", evidence);
        }
        var parts = new List<string> { longest is null ? "no query running long" : $"longest query {Seconds(seconds)}" };
        if (meanMs is { } mean)
        {
            parts.Add($"mean query time {Number(mean)} ms");
        }
        return new Finding(Cause.SlowQueries, Title, FindingStatus.RuledOut, Health.Degraded, seconds, string.Join("; ", parts), evidence);
    }

    /// <summary>Lock contention: sessions waiting for locks, how long, and the pids blocking them.</summary>
    private static Finding Locks(DiagnosisFacts facts)
    {
        const string Title = "lock contention";
        if (facts.Up.Count == 0)
        {
            return new Finding(Cause.LockContention, Title, FindingStatus.NoData, Health.Degraded, 0, NoSample(facts), []);
        }
        var worst = facts.Up.MaxBy(s => s.LockWaits.Count == 0 ? 0 : s.LockWaits.Max(w => w.Seconds))!;
        var waits = worst.LockWaits;
        if (waits.Count == 0)
        {
            var deadlocks = Deadlocks(facts);
            return new Finding(Cause.LockContention, Title, FindingStatus.RuledOut, Health.Degraded, 0,
                "no session waited for a lock" + (deadlocks > 0 ? $" ({deadlocks} deadlocks in the window)" : ""), []);
        }
        var longest = waits.Max(w => w.Seconds);
        var blockers = RootBlockers(waits);
        var evidence = new List<string> { $"{waits.Count} sessions waiting for a lock on {worst.Database}, the longest for {Seconds(longest)}" };
        foreach (var (blocker, blocked) in blockers.Take(3))
        {
            var idle = worst.OldestIdleInTransaction is { } oldest && oldest.Pid == blocker ? $"; it is idle in a transaction for {Seconds(oldest.Seconds)} ({Who(oldest)})" : "";
            evidence.Add($"pid {blocker} blocks {blocked} of them{idle}");
        }
        int? top = blockers.Count > 0 ? blockers[0].Pid : null;
        var summary = $"{waits.Count} sessions wait for locks (longest {Seconds(longest)})" + (top is { } pid ? $", blocked by pid {pid}" : "");
        return longest >= LongLockWaitSeconds
            ? new Finding(Cause.LockContention, Title, FindingStatus.Confirmed, Health.Degraded, 45 + longest, summary, evidence)
            : new Finding(Cause.LockContention, Title, longest >= 1 ? FindingStatus.Possible : FindingStatus.RuledOut, Health.Degraded, longest, summary, evidence);
    }

    /// <summary>
    /// The sessions at the head of the wait chains (blocking, not waiting themselves), each with how many waiters
    /// depend on it directly or through others: a second waiter on a row waits for the first, not for the holder.
    /// </summary>
    private static List<(int Pid, int Blocked)> RootBlockers(IReadOnlyList<LockWait> waits)
    {
        var waiting = waits.ToDictionary(w => w.Pid, w => w.BlockedBy);
        var roots = new Dictionary<int, int>();
        foreach (var wait in waits)
        {
            var seen = new HashSet<int>();
            var frontier = new Stack<int>(wait.BlockedBy);
            while (frontier.TryPop(out var pid))
            {
                if (!seen.Add(pid))
                {
                    continue;
                }
                if (waiting.TryGetValue(pid, out var next) && next.Count > 0)
                {
                    foreach (var blocker in next)
                    {
                        frontier.Push(blocker);
                    }
                }
                else
                {
                    roots[pid] = roots.GetValueOrDefault(pid) + 1;
                }
            }
        }
        return [.. roots.Select(r => (r.Key, r.Value)).OrderByDescending(r => r.Value).ThenBy(r => r.Key)];
    }

    private static long Deadlocks(DiagnosisFacts facts)
    {
        var byDatabase = facts.Up.GroupBy(s => s.Database, StringComparer.Ordinal).FirstOrDefault()?.ToList();
        return byDatabase is null || byDatabase.Count < 2 ? 0 : Math.Max(0, byDatabase[^1].Deadlocks - byDatabase[0].Deadlocks);
    }

    /// <summary>Idle-in-transaction leaks: sessions that began a transaction and stopped talking, holding a connection and locks.</summary>
    private static Finding IdleTransactions(DiagnosisFacts facts)
    {
        const string Title = "idle-in-transaction leak";
        if (facts.LatestUp.Count == 0)
        {
            return new Finding(Cause.IdleInTransaction, Title, FindingStatus.NoData, Health.Degraded, 0, NoSample(facts), []);
        }
        var now = facts.LatestUp.MaxBy(s => s.OldestIdleInTransaction?.Seconds ?? 0)!;
        if (now.OldestIdleInTransaction is not { } oldest)
        {
            return new Finding(Cause.IdleInTransaction, Title, FindingStatus.RuledOut, Health.Degraded, 0, "no session is idle in a transaction", []);
        }
        var evidence = new List<string>
        {
            $"{now.IdleInTransaction} sessions idle in a transaction on {now.Database}",
            $"the oldest: pid {oldest.Pid} ({Who(oldest)}) for {Seconds(oldest.Seconds)}",
        };
        var summary = $"{now.IdleInTransaction} sessions idle in a transaction, the oldest pid {oldest.Pid} ({Who(oldest)}) for {Seconds(oldest.Seconds)}";
        var status = oldest.Seconds >= OldIdleTransactionSeconds ? FindingStatus.Confirmed
            : oldest.Seconds >= 10 || now.IdleInTransaction >= 5 ? FindingStatus.Possible
            : FindingStatus.RuledOut;
        return new Finding(Cause.IdleInTransaction, Title, status, Health.Degraded, 30 + oldest.Seconds / 10, summary, evidence);
    }

    private static string Who(SessionRef session) =>
        $"'{(session.Application.Length > 0 ? session.Application : "(no application_name)")}', user {session.User} from {session.ClientAddress}";
}
