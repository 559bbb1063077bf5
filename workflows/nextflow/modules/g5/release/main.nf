// g5 release: a release folder of the files given, with MANIFEST.tsv (size,
// SHA-256, access tier, kind and provenance of each file); an open release
// refuses controlled files.  The manifest's own SHA-256 is emitted apart, to
// be sent out of band.
process G5_RELEASE {
    tag "$meta.id"
    label 'process_single'

    // No container: g5 is in no public registry (see ../kin/main.nf).
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(files, stageAs: 'in/*')
    path dict
    path policy

    output:
    tuple val(meta), path("${task.ext.prefix ?: meta.id}", type: 'dir'), emit: release
    tuple val(meta), path("*.manifest.sha256")                           , emit: sha256
    path "versions.yml"                                                  , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    // The policy's ledger is read beside the policy's real file (g5 follows
    // the staged link).
    """
    g5 release \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${dict ? "--dict ${dict}" : ''} \\
        ${policy ? "--policy ${policy}" : ''} \\
        -o ${prefix} \\
        $files \\
        > ${prefix}.manifest.sha256

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    mkdir ${prefix}
    touch ${prefix}/MANIFEST.tsv
    touch ${prefix}.manifest.sha256

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
