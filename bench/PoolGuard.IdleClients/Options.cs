namespace PoolGuard.IdleClients;

/// <summary>Command line: <c>--name value</c> pairs; see <see cref="Usage"/>.</summary>
internal sealed record Options
{
    public const string Usage = """
        usage: PoolGuard.IdleClients --port P [--host 127.0.0.1] [--user U] [--password W] [--database D]
                                     [--count 1000] [--concurrency 16] [--mode query|login]
                                     [--timeout 30] [--hold 3600]
          query  Npgsql (Pooling=false): open, run `select 1`, then keep the connection idle.
          login  raw protocol: SSLRequest (expects 'N'), startup, SCRAM-SHA-256; stops reading once
                 the password is accepted, so a session-mode pooler with no free server keeps the
                 client in its wait queue (PoolGuard sends AuthenticationOk only with a server).
        Prints progress on stderr and `ready N` on stdout once all N are held; holds them until
        SIGTERM/SIGINT or --hold seconds, then closes them. Exit 1 if any connection failed.
        """;

    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; }
    public string User { get; init; } = "app_user";
    public string Password { get; init; } = "app_pw";
    public string Database { get; init; } = "pgbench";
    public int Count { get; init; } = 1000;
    public int Concurrency { get; init; } = 16;
    public string Mode { get; init; } = "query";
    /// <summary>Seconds for one connection to log in (and run select 1).</summary>
    public int Timeout { get; init; } = 30;
    /// <summary>Seconds to hold before closing by itself: the tool never outlives a forgotten script.</summary>
    public int Hold { get; init; } = 3600;

    public static Options? Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--host" => options with { Host = value },
                "--port" => options with { Port = int.Parse(value) },
                "--user" => options with { User = value },
                "--password" => options with { Password = value },
                "--database" => options with { Database = value },
                "--count" => options with { Count = int.Parse(value) },
                "--concurrency" => options with { Concurrency = int.Parse(value) },
                "--mode" => options with { Mode = value },
                "--timeout" => options with { Timeout = int.Parse(value) },
                "--hold" => options with { Hold = int.Parse(value) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }
        var valid = args.Length % 2 == 0 && options.Port > 0 && options.Count > 0 && options.Concurrency > 0
            && options.Mode is "query" or "login";
        return valid ? options : null;
    }
}
