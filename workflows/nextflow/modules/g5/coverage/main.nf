// g5 coverage: depth in mosdepth's files and formats, the inferred sex
// (PREFIX.sex.tsv, which g5 call --sex reads) and a MultiQC table.  Windows or
// regions come from the BED input or from task.ext.args (-b/--by WINDOW).
process G5_COVERAGE {
    tag "$meta.id"
    label 'process_medium'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(input), path(index), path(bed)
    tuple val(meta2), path(fasta)

    output:
    tuple val(meta), path("*.mosdepth.global.dist.txt")      , emit: global_txt
    tuple val(meta), path("*.mosdepth.summary.txt")          , emit: summary_txt
    tuple val(meta), path("*.mosdepth.region.dist.txt")      , emit: regions_txt    , optional: true
    tuple val(meta), path("*.per-base.bed.gz")               , emit: per_base_bed   , optional: true
    tuple val(meta), path("*.per-base.bed.gz.csi")           , emit: per_base_csi   , optional: true
    tuple val(meta), path("*.regions.bed.gz")                , emit: regions_bed    , optional: true
    tuple val(meta), path("*.regions.bed.gz.csi")            , emit: regions_csi    , optional: true
    tuple val(meta), path("*.quantized.bed.gz")              , emit: quantized_bed  , optional: true
    tuple val(meta), path("*.quantized.bed.gz.csi")          , emit: quantized_csi  , optional: true
    tuple val(meta), path("*.thresholds.bed.gz")             , emit: thresholds_bed , optional: true
    tuple val(meta), path("*.thresholds.bed.gz.csi")         , emit: thresholds_csi , optional: true
    tuple val(meta), path("*.sex.tsv")                       , emit: sex
    tuple val(meta), path("*.g5cov_mqc.tsv")                 , emit: mqc
    path "versions.yml"                                      , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args   = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    if (bed && args =~ /(^|\s)(-b|--by)(\s|=|$)/) error "G5_COVERAGE: regions from both the BED input and task.ext.args (-b/--by): give one"
    """
    g5 coverage \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${task.memory ? "-m ${(task.memory.toMega() * 0.9).intValue()}M" : ''} \\
        ${fasta ? "-f ${fasta}" : ''} \\
        ${bed ? "--by ${bed}" : ''} \\
        $prefix \\
        $input

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.mosdepth.global.dist.txt
    touch ${prefix}.mosdepth.summary.txt
    touch ${prefix}.mosdepth.region.dist.txt
    touch ${prefix}.per-base.bed.gz ${prefix}.per-base.bed.gz.csi
    touch ${prefix}.regions.bed.gz ${prefix}.regions.bed.gz.csi
    touch ${prefix}.quantized.bed.gz ${prefix}.quantized.bed.gz.csi
    touch ${prefix}.thresholds.bed.gz ${prefix}.thresholds.bed.gz.csi
    touch ${prefix}.sex.tsv
    touch ${prefix}.g5cov_mqc.tsv

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
