module lov.local/k8s/tools/schemagen

go 1.22
