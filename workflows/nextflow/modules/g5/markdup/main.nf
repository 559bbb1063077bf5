// g5 markdup: duplicates of a coordinate-sorted file marked with Picard
// MarkDuplicates' semantics, and Picard's metrics (read by MultiQC).
process G5_MARKDUP {
    tag "$meta.id"
    label 'process_medium'

    // No container: g5 is in no public registry.  g5 runs from PATH, or from a
    // conda environment made from environment.yml with g5 installed into it
    // (../../../README.md); a centre's own image can be set with
    // process.withName:'G5_.*'.container in the pipeline's configuration.
    conda "${moduleDir}/environment.yml"

    input:
    tuple val(meta), path(input)
    tuple val(meta2), path(fasta)

    output:
    tuple val(meta), path("*.bam")             , emit: bam     , optional: true
    tuple val(meta), path("*.cram")            , emit: cram    , optional: true
    tuple val(meta), path("*.sam")             , emit: sam     , optional: true
    tuple val(meta), path("*.bai")             , emit: bai     , optional: true
    tuple val(meta), path("*.crai")            , emit: crai    , optional: true
    tuple val(meta), path("*.markdup.metrics") , emit: metrics
    path "versions.yml"                        , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args      = task.ext.args ?: ''
    def prefix    = task.ext.prefix ?: "${meta.id}"
    def extension = args =~ /(-O|--output-fmt)[ =]?sam\b/  ? 'sam'  :
                    args =~ /(-O|--output-fmt)[ =]?cram\b/ ? 'cram' : 'bam'
    if ("${input}" == "${prefix}.${extension}") error "G5_MARKDUP: input and output are both ${input}: set task.ext.prefix"
    if (extension == 'cram' && !fasta) error "G5_MARKDUP: CRAM output needs the reference (input 2)"
    """
    g5 markdup \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${task.memory ? "-m ${(task.memory.toMega() * 0.9).intValue()}M" : ''} \\
        -T . \\
        ${fasta ? "-f ${fasta}" : ''} \\
        -M ${prefix}.markdup.metrics \\
        ${extension != 'sam' ? '--write-index' : ''} \\
        -o ${prefix}.${extension} \\
        $input

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def args      = task.ext.args ?: ''
    def prefix    = task.ext.prefix ?: "${meta.id}"
    def extension = args =~ /(-O|--output-fmt)[ =]?sam\b/  ? 'sam'  :
                    args =~ /(-O|--output-fmt)[ =]?cram\b/ ? 'cram' : 'bam'
    """
    touch ${prefix}.${extension}
    ${extension == 'bam'  ? "touch ${prefix}.bam.bai"   : ''}
    ${extension == 'cram' ? "touch ${prefix}.cram.crai" : ''}
    touch ${prefix}.markdup.metrics

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
