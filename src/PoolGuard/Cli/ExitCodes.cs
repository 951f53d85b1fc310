namespace PoolGuard.Cli;

/// <summary>Process exit codes, stable for scripts and CI.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The gateway could not start or failed while running (e.g. port in use).</summary>
    public const int Failed = 1;
    /// <summary>The configuration file is invalid; nothing was started.</summary>
    public const int InvalidConfig = 2;
}
