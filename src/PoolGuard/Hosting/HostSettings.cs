using PoolGuard.Config.Model;

namespace PoolGuard.Hosting;

/// <summary>What <see cref="PoolGuardHost"/> is built from.</summary>
/// <param name="Config">The validated configuration to start with.</param>
internal sealed record HostSettings(PoolGuardConfig Config)
{
    /// <summary>The file the configuration came from: read again on RELOAD, SIGHUP or a change of the file. Null: built in code, no reload triggers.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>Where log lines go; nowhere when not set.</summary>
    public Action<ILoggingBuilder> Logging { get; init; } = _ => { };

    /// <summary>Overrides admin_http_port (0: any free port, as tests use); null: the configuration decides, and 0 there turns the endpoint off.</summary>
    public int? AdminHttpPort { get; init; }
}
