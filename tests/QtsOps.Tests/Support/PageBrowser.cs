using PuppeteerSharp;

namespace QtsOps.Tests.Support;

/// <summary>
/// Debian's chromium, headless, driven over the DevTools protocol (PuppeteerSharp, which downloads
/// nothing when given the executable): loads a page from disk as a person would open it, records
/// every request the page makes beyond its own file (and refuses them), and keeps a screenshot of it
/// under artifacts/tests/screenshots/.
/// </summary>
public sealed class PageBrowser : IAsyncDisposable
{
    // /usr/bin/chromium is Debian's wrapper script; the browser itself is beside its libraries.
    private static readonly string[] Executables = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"];

    public static string ScreenshotDirectory => SourceRepository.Combine("artifacts", "tests", "screenshots");

    private readonly IBrowser _browser;

    private PageBrowser(IBrowser browser) => _browser = browser;

    public static async Task<PageBrowser> LaunchAsync()
    {
        var executable = Executables.FirstOrDefault(File.Exists)
            ?? throw new AssertionException($"No chromium at {string.Join(", ", Executables)}. Install it: apt-get install chromium (build/setup.sh does for --target=test).");
        // As root (CI, containers) chromium runs only without its sandbox.
        var browser = await Puppeteer.LaunchAsync(new LaunchOptions
        {
            Headless = true, ExecutablePath = executable, Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        return new PageBrowser(browser);
    }

    /// <summary>Opens <paramref name="file"/> at <paramref name="width"/> CSS pixels and saves a full-page screenshot named <paramref name="screenshot"/>.png.</summary>
    public async Task<OpenedPage> OpenAsync(string file, string screenshot, int width = 1100)
    {
        var page = await _browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = 900 });
        var address = new Uri(file).AbsoluteUri;
        var requests = new List<string>();
        var dialogs = new List<string>();
        await page.SetRequestInterceptionAsync(true);
        page.Request += async (_, e) =>
        {
            if (e.Request.Url == address) await e.Request.ContinueAsync();
            else
            {
                lock (requests) requests.Add(e.Request.Url);
                await e.Request.AbortAsync();
            }
        };
        page.Dialog += async (_, e) =>
        {
            lock (dialogs) dialogs.Add(e.Dialog.Message);
            await e.Dialog.Dismiss();
        };
        await page.GoToAsync(address, WaitUntilNavigation.Load);
        Directory.CreateDirectory(ScreenshotDirectory);
        var screenshotPath = Path.Combine(ScreenshotDirectory, screenshot + ".png");
        await page.ScreenshotAsync(screenshotPath, new ScreenshotOptions { FullPage = true });
        TestContext.AddTestAttachment(screenshotPath, $"{screenshot} at {width} px");
        return new OpenedPage(page, requests, dialogs, screenshotPath);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.CloseAsync();
        await _browser.DisposeAsync();
    }
}

/// <summary>A page as loaded, with what it asked for beyond its own file and the dialogs it opened.</summary>
public sealed record OpenedPage(IPage Page, IReadOnlyList<string> Requests, IReadOnlyList<string> Dialogs, string Screenshot)
{
    /// <summary>The text a person sees (rendered, not the markup).</summary>
    public Task<string> VisibleTextAsync() => Page.EvaluateExpressionAsync<string>("document.body.innerText");

    /// <summary>The visible text of each element <paramref name="selector"/> finds, in document order (an SVG element's text content: it has no innerText).</summary>
    public Task<string[]> TextsAsync(string selector) =>
        Page.EvaluateFunctionAsync<string[]>("s => Array.from(document.querySelectorAll(s), e => (e.innerText ?? e.textContent).trim())", selector);

    public Task<int> CountAsync(string selector) => Page.EvaluateFunctionAsync<int>("s => document.querySelectorAll(s).length", selector);

    /// <summary>How wide the page is laid out: wider than the window means a person must scroll sideways.</summary>
    public Task<int> ScrollWidthAsync() => Page.EvaluateExpressionAsync<int>("document.documentElement.scrollWidth");
}
