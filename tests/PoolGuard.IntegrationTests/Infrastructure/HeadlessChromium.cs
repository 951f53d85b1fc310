using Microsoft.Playwright;
using SkiaSharp;

namespace PoolGuard.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium), headless, driven by Playwright's bundled driver: nothing is downloaded.
/// Missing, it skips the test on a developer machine and fails it when CI=true (.ci/run installs it). The flags keep
/// it off the network: without them it tries Google's hosts at start, which this machine refuses.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        _browser = browser;
    }

    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var binary = LoopbackService.Binary("chromium", "/usr/bin/chromium");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = binary,
            Headless = true,
            Timeout = 60_000,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return new HeadlessChromium(playwright, browser);
    }

    /// <summary>A new page at <paramref name="url"/>, with every console error and uncaught script error it raises.</summary>
    public async Task<(IPage Page, List<string> Errors)> OpenAsync(string url, int width = 1100, int height = 900)
    {
        var page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add($"console: {message.Text}");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add($"script: {error}");
            }
        };
        await page.GotoAsync(url, new PageGotoOptions { Timeout = 30_000, WaitUntil = WaitUntilState.Load });
        return (page, errors);
    }

    /// <summary>How much of a screenshot is drawn: the share of pixels that are not the background, and the number of distinct colours.</summary>
    public static (double Drawn, int Colours) Ink(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("the screenshot is not a PNG");
        var background = bitmap.GetPixel(0, 0);
        var colours = new HashSet<SKColor>();
        long drawn = 0;
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                colours.Add(pixel);
                if (pixel != background)
                {
                    drawn++;
                }
            }
        }
        return ((double)drawn / (bitmap.Width * bitmap.Height), colours.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
