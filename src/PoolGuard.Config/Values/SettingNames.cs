using PoolGuard.Config.Model;

namespace PoolGuard.Config.Values;

/// <summary>
/// The written names of the enum settings. Files use PostgreSQL's and PgBouncer's spellings
/// ("scram-sha-256", "transaction"); the C# names ("ScramSha256") are accepted too because that is what
/// a .NET user guesses first. Case never matters.
/// </summary>
internal static class SettingNames
{
    public const string AuthTypeForms = "trust, plain, md5 or scram-sha-256";
    public const string PoolModeForms = "session, transaction or statement";

    private static readonly Dictionary<string, AuthType> AuthTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["trust"] = AuthType.Trust,
        ["plain"] = AuthType.Plain,
        ["md5"] = AuthType.Md5,
        ["scram-sha-256"] = AuthType.ScramSha256,
        [nameof(AuthType.ScramSha256)] = AuthType.ScramSha256,
    };

    private static readonly Dictionary<string, PoolMode> PoolModes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["session"] = PoolMode.Session,
        ["transaction"] = PoolMode.Transaction,
        ["statement"] = PoolMode.Statement,
    };

    public static bool TryParseAuthType(string text, out AuthType value) => AuthTypes.TryGetValue(text.Trim(), out value);

    public static bool TryParsePoolMode(string text, out PoolMode value) => PoolModes.TryGetValue(text.Trim(), out value);

    public static string Text(AuthType value) => value switch
    {
        AuthType.Trust => "trust",
        AuthType.Plain => "plain",
        AuthType.Md5 => "md5",
        _ => "scram-sha-256",
    };

    /// <summary>Splits a comma-separated list ("a, b,c"), dropping empty items, as PgBouncer does.</summary>
    public static IReadOnlyList<string> SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Quotes a user-written value for a message, cut short so one bad line cannot flood a log.
    /// Never call this with a password.</summary>
    public static string Quote(string text) => text.Length <= 40 ? $"'{text}'" : $"'{text[..40]}…'";
}
