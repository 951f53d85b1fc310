namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// One stretch of time in which a pool had clients queueing, from the first queued client until
/// the queue has stayed empty for <see cref="QuietPeriod"/>. A pool running at its limit empties and
/// refills its queue many times a second; reporting each of those as saturated/recovered would bury
/// the one fact that matters (the pool was exhausted from 14:02:11 to 14:05:40, 85 waiting at worst,
/// the longest wait 2.1 s) under thousands of events. Guarded by the pool's lock.
/// </summary>
internal sealed class SaturationEpisode
{
    /// <summary>How long the queue must stay empty before the episode counts as over.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(1);

    /// <summary>When the episode began (TimeProvider timestamp); 0 when the pool is not saturated.</summary>
    public long Since { get; private set; }

    public bool Active => Since != 0;

    /// <summary>When the queue last became empty during the episode.</summary>
    public long EmptiedAt { get; private set; }

    public int PeakWaiting { get; private set; }

    public TimeSpan LongestWait { get; private set; }

    public int Timeouts { get; private set; }

    /// <summary>A client queued; true when this starts a new episode.</summary>
    public bool OnQueued(long now, int waiting)
    {
        var started = false;
        if (Since == 0)
        {
            Since = now;
            PeakWaiting = 0;
            LongestWait = TimeSpan.Zero;
            Timeouts = 0;
            started = true;
        }
        PeakWaiting = Math.Max(PeakWaiting, waiting);
        return started;
    }

    /// <summary>A client left the queue after <paramref name="waited"/>.</summary>
    public void OnDequeued(long now, TimeSpan waited, int stillWaiting, bool timedOut)
    {
        if (waited > LongestWait)
        {
            LongestWait = waited;
        }
        if (timedOut)
        {
            Timeouts++;
        }
        if (stillWaiting == 0)
        {
            EmptiedAt = now;
        }
    }

    /// <summary>True when the episode is over: the queue empty for the quiet period. Then it resets.</summary>
    public bool TryEnd(TimeProvider time, long now, int waiting, out TimeSpan length)
    {
        length = default;
        if (Since == 0 || waiting > 0 || time.GetElapsedTime(EmptiedAt, now) < QuietPeriod)
        {
            return false;
        }
        length = time.GetElapsedTime(Since, EmptiedAt);
        Since = 0;
        return true;
    }
}
