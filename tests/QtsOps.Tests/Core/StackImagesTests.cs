using QtsOps.Core.Swarm;

namespace QtsOps.Tests.Core;

/// <summary>The images a kept stack file pins, which a swarm rollback deploys again and waits for (issue 23, point 5).</summary>
[Category("Core")]
public class StackImagesTests
{
    [Test]
    public void A_stack_file_written_for_a_release_gives_back_the_observer_s_and_the_edge_s_pinned_images()
    {
        var stack = SwarmStackInputs.Write();

        var images = StackImages.Read(stack.Text, "/d/releases/1.4.0/stack.yml");

        Assert.That(images, Is.EqualTo(new StackImages(SwarmStackInputs.ObserverImage, SwarmStackInputs.EdgeImage)));
        Assert.That(images.ObserverDigest, Is.EqualTo("sha256:" + new string('1', 64)), "the digest the history records");
    }

    [Test]
    public void A_stack_file_that_pins_no_image_is_refused_naming_the_file_the_service_and_the_fix()
    {
        var unpinned = SwarmStackInputs.Write().Text.Replace(SwarmStackInputs.ObserverImage, "qts-observer:1.4.0");

        var refused = Assert.Throws<StackFileException>(() => StackImages.Read(unpinned, "/d/releases/1.4.0/stack.yml"))!;

        Assert.That(refused.Message, Does.StartWith("/d/releases/1.4.0/stack.yml:").And.Contain($"service '{SwarmStack.ObserverService}' has no image pinned by digest").And.Contain("Fix: deploy that release again"));
    }

    [Test]
    public void A_stack_file_that_is_not_yaml_is_refused_naming_the_file()
    {
        var refused = Assert.Throws<StackFileException>(() => StackImages.Read("services: [unclosed", "/d/stack.yml"))!;

        Assert.That(refused.Message, Does.StartWith("/d/stack.yml:1: cannot be read").And.EndWith(". Fix: deploy that release again to write its stack file anew."));
    }

    [Test]
    public void A_release_s_images_are_the_ones_its_stack_pins()
    {
        var release = new StackRelease("1.4.0", SwarmStackInputs.ObserverImage, SwarmStackInputs.EdgeImage, true);

        Assert.That(StackImages.Of(release), Is.EqualTo(new StackImages(SwarmStackInputs.ObserverImage, SwarmStackInputs.EdgeImage)));
    }
}
