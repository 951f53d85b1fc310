using System.Text;

namespace PoolGuard.Protocol.Auth;

/// <summary>
/// The password normalisation PostgreSQL applies before hashing a SCRAM password.
/// </summary>
/// <remarks>
/// This is deliberately not full RFC 4013 SASLprep. It reproduces PostgreSQL exactly for ASCII
/// passwords, which PostgreSQL passes through untouched. For non-ASCII passwords PostgreSQL also
/// maps non-ASCII spaces to U+0020, drops "commonly mapped to nothing" characters, and falls back
/// to the raw password when the result contains prohibited characters; none of that is done here.
/// Worse, the build sets InvariantGlobalization, under which string.Normalize leaves non-ASCII
/// text unchanged, so in the shipped configuration non-ASCII passwords also pass through as-is.
/// Passwords typed as precomposed (NFC) letters are usually already NFKC and still match;
/// ligatures, full-width forms and decomposed accents will not match a verifier that PostgreSQL
/// computed. Such users should keep a SCRAM verifier, not a plaintext password, in the auth file.
/// </remarks>
internal static class SaslPrep
{
    public static string Apply(string password)
    {
        if (Ascii.IsValid(password))
        {
            return password;
        }

        try
        {
            return password.Normalize(NormalizationForm.FormKC);
        }
        catch (ArgumentException)
        {
            // Lone surrogates cannot be normalised; PostgreSQL likewise hashes a password it
            // cannot prepare as given rather than refusing it.
            return password;
        }
    }
}
