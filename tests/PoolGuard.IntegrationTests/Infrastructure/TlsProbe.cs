using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>Asks the gateway for TLS the way libpq does (SSLRequest, then a handshake) and reports the certificate it shows.</summary>
internal static class TlsProbe
{
    private static readonly byte[] SslRequest = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]; // length 8, code 80877103

    /// <summary>SHA-256 hash of the certificate the gateway presents to a new TLS client; nothing is verified.</summary>
    public static async Task<string> GatewayCertificateHashAsync(int port)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port, timeout.Token);
        var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(SslRequest, timeout.Token);
        var answer = new byte[1];
        await stream.ReadExactlyAsync(answer, timeout.Token);
        Assert.Equal((byte)'S', answer[0]);
        await using var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, timeout.Token);
        return ssl.RemoteCertificate!.GetCertHashString(HashAlgorithmName.SHA256);
    }

    /// <summary>SHA-256 hash of the certificate in a PEM file.</summary>
    public static string FileCertificateHash(string certFile)
    {
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certFile));
        return certificate.GetCertHashString(HashAlgorithmName.SHA256);
    }
}
