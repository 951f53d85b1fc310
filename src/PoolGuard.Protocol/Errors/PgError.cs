namespace PoolGuard.Protocol.Errors;

/// <summary>The fields of an ErrorResponse or NoticeResponse that the gateway writes or reads.</summary>
public sealed record PgError(string Severity, string Code, string Message)
{
    public string? Detail { get; init; }
    public string? Hint { get; init; }

    /// <summary>FATAL ends the connection; the client library reports it and stops.</summary>
    public static PgError Fatal(string code, string message, string? hint = null) =>
        new("FATAL", code, message) { Hint = hint };

    public static PgError Error(string code, string message, string? hint = null) =>
        new("ERROR", code, message) { Hint = hint };

    public override string ToString() => $"{Severity} {Code}: {Message}";
}
