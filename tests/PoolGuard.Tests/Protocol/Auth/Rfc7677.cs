using PoolGuard.Protocol.Auth;

namespace PoolGuard.Tests.Protocol.Auth;

/// <summary>The SCRAM-SHA-256 example exchange from RFC 7677 section 3.</summary>
internal static class Rfc7677
{
    public const string Password = "pencil";
    public const string User = "user";
    public const string ClientNonce = "rOprNGfwEbeRWgbNEkqO";
    public const string ServerNonce = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    public const string SaltBase64 = "W22ZaJ0SNY7soEsUEjb6gQ==";

    public const string ClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    public const string ServerFirst = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    public const string ClientFinal = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    // The RFC's value; the copy in the task brief had a corrupted tail ("...mMhUq1IuEJZ2adMvaZcSHHE=").
    // Recomputed independently with Python hashlib/hmac, and it matches other implementations' tests.
    public const string ServerFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    /// <summary>Computed outside .NET (Python hashlib) from the password and salt above.</summary>
    public const string Verifier =
        "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";

    public static byte[] Salt => Convert.FromBase64String(SaltBase64);

    public static ScramSecret Secret() => ScramSecret.FromPassword(Password, Salt);

    public static ScramServerExchange Server() => new(Secret(), ServerNonce);

    public static ScramClientExchange Client(string password = Password) => new(password, ClientNonce, User);
}
