using QtsOps.Build;

return BuildHost.Create().Run(args);
