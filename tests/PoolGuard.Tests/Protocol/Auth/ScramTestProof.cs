using System.Text;
using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

/// <summary>
/// Builds client-final messages by hand, for the variations ScramClientExchange never sends
/// (the "y" flag, other user names).
/// </summary>
internal static class ScramTestProof
{
    public static string ClientFinal(string password, string clientFirstBare, string serverFirst, string withoutProof)
    {
        string[] attributes = serverFirst.Split(',');
        byte[] salt = Convert.FromBase64String(attributes[1][2..]);
        int iterations = int.Parse(attributes[2][2..], System.Globalization.CultureInfo.InvariantCulture);
        (byte[] clientKey, _) = ScramKeys.FromPassword(password, salt, iterations);
        byte[] authMessage = Encoding.UTF8.GetBytes($"{clientFirstBare},{serverFirst},{withoutProof}");
        byte[] proof = ScramKeys.Xor(clientKey, ScramKeys.Signature(ScramKeys.StoredKey(clientKey), authMessage));
        return $"{withoutProof},p={Convert.ToBase64String(proof)}";
    }
}
