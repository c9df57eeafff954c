using QtsOps.Build;
using QtsOps.Host;

return new CakeHost()
    .UseContext<BuildContext>()
    .UseLifetime<BuildLifetime>()
    .Run(args);
