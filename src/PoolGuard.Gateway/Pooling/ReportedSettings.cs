namespace PoolGuard.Gateway.Pooling;

/// <summary>
/// Which of the settings PostgreSQL reports (ParameterStatus) a session can change. The others
/// describe the server or the login (server_version, in_hot_standby, is_superuser...): they are
/// never carried between servers nor set back, and a change of one is no client's doing.
/// </summary>
internal static class ReportedSettings
{
    private static readonly HashSet<string> s_fixed = new(StringComparer.OrdinalIgnoreCase)
    {
        "server_version", "server_encoding", "integer_datetimes", "in_hot_standby", "is_superuser",
        "session_authorization",
    };

    public static bool IsSessionSetting(string name) => !s_fixed.Contains(name);
}
