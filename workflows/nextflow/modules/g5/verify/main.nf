// g5 verify: re-check a received release folder against its MANIFEST.tsv
// (missing, extra or changed files, tiers judged again); the task fails on
// any difference, and the report lists each one.
process G5_VERIFY {
    tag "$meta.id"
    label 'process_single'

    // No container: g5 is in no public registry (see ../kin/main.nf).
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(release, stageAs: 'release/*'), val(sha256)
    path dict
    path policy

    output:
    tuple val(meta), path("*.verify.txt"), emit: report
    path "versions.yml"                  , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    g5 verify \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${sha256 ? "--sha256 ${sha256}" : ''} \\
        ${dict ? "--dict ${dict}" : ''} \\
        ${policy ? "--policy ${policy}" : ''} \\
        $release \\
        2> >(tee ${prefix}.verify.txt >&2)

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.verify.txt

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
