namespace PoolGuard.Cli;

/// <summary>
/// Process-wide runtime settings that must be in place before the first socket is created.
/// </summary>
internal static class RuntimeTuning
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Runs socket continuations on the epoll threads instead of hopping to the thread pool: a
    /// relay does little work per event, so the hop costs more than the work (measured with
    /// bench/e2e.sh: pgbench -S through the gateway, +19% TPS and -18% gateway CPU). The one
    /// CPU-heavy step, PBKDF2 for SCRAM, is moved off those threads explicitly. An operator's own
    /// setting of the variable wins.
    /// </summary>
    public static void Apply()
    {
        if (Environment.GetEnvironmentVariable(InlineCompletions) is null)
        {
            Environment.SetEnvironmentVariable(InlineCompletions, "1");
        }
    }
}
