using System.Security.Authentication;
using PoolGuard.Config.Model;

namespace PoolGuard.Config.Values;

/// <summary>
/// Written forms of the TLS settings: libpq's sslmode spellings ("verify-full"; the C# names such as
/// "VerifyFull" too) and PgBouncer's protocol lists ("secure", "tlsv1.2,tlsv1.3").
/// </summary>
internal static class TlsSettingNames
{
    public const string ModeForms = "disable, allow, prefer, require, verify-ca or verify-full";
    public const string ProtocolForms = "secure, tlsv1.2, tlsv1.3 or a comma-separated list of them";

    private static readonly Dictionary<string, TlsMode> Modes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disable"] = TlsMode.Disable,
        ["allow"] = TlsMode.Allow,
        ["prefer"] = TlsMode.Prefer,
        ["require"] = TlsMode.Require,
        ["verify-ca"] = TlsMode.VerifyCa,
        ["verify-full"] = TlsMode.VerifyFull,
        [nameof(TlsMode.VerifyCa)] = TlsMode.VerifyCa,
        [nameof(TlsMode.VerifyFull)] = TlsMode.VerifyFull,
    };

    public static bool TryParseMode(string text, out TlsMode value) => Modes.TryGetValue(text.Trim(), out value);

    public static string Text(TlsMode mode) => TlsModes.Text(mode);

    /// <summary>
    /// Parses a protocol list. TLS 1.0 and 1.1 (PgBouncer's "all", "legacy", "tlsv1.0", "tlsv1.1") are refused
    /// with a reason rather than quietly dropped: they are broken, and OpenSSL on current systems refuses them anyway.
    /// </summary>
    public static bool TryParseProtocols(string text, out SslProtocols value, out string? reason)
    {
        value = SslProtocols.None;
        reason = null;
        foreach (var item in SettingNames.SplitList(text))
        {
            switch (item.ToLowerInvariant())
            {
                case "secure":
                    value |= TlsProtocols.Secure;
                    break;
                case "tlsv1.2":
                    value |= SslProtocols.Tls12;
                    break;
                case "tlsv1.3":
                    value |= SslProtocols.Tls13;
                    break;
                case "all" or "legacy" or "tlsv1" or "tlsv1.0" or "tlsv1.1":
                    reason = $"{SettingNames.Quote(item)} would allow TLS 1.0/1.1, which PoolGuard does not offer; use {ProtocolForms}";
                    return false;
                default:
                    reason = $"expected {ProtocolForms}, got {SettingNames.Quote(item)}";
                    return false;
            }
        }

        if (value == SslProtocols.None)
        {
            reason = $"expected {ProtocolForms}, got an empty list";
            return false;
        }

        return true;
    }
}
