using System.Security.Cryptography;
using System.Text;

namespace PoolGuard.Http;

/// <summary>admin_http_token: "Authorization: Bearer &lt;token&gt;" on /metrics and /api/*, compared in constant time.</summary>
internal static class BearerToken
{
    private const string Scheme = "Bearer ";

    /// <summary>True when no token is configured or the request carries it.</summary>
    public static bool Allows(HttpRequest request, string token)
    {
        if (token.Length == 0)
        {
            return true;
        }
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        // FixedTimeEquals takes as long whichever byte differs, so timing reveals nothing of the token
        // (only its length, which a mismatch of lengths returns at once).
        return CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()),
            Encoding.UTF8.GetBytes(token));
    }
}
