// g5 sort: coordinate (or name, or tag) order within one memory budget; with
// --markdup in task.ext.args it also marks duplicates in the same pass, which
// needs input with the records of a template together (aligner output).
process G5_SORT {
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
    tuple val(meta), path("*.markdup.metrics") , emit: metrics , optional: true
    tuple val(meta), path("*.stats")           , emit: stats
    path "versions.yml"                        , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args       = task.ext.args ?: ''
    def prefix     = task.ext.prefix ?: "${meta.id}"
    def extension  = args =~ /(-O|--output-fmt)[ =]?sam\b/  ? 'sam'  :
                     args =~ /(-O|--output-fmt)[ =]?cram\b/ ? 'cram' : 'bam'
    def markdup    = args.contains('--markdup')
    // name (-n) or tag (-t) order cannot be indexed, nor can SAM
    def index      = extension != 'sam' && !(args =~ /(^|\s)-[nt](\s|$)/)
    if ("${input}" == "${prefix}.${extension}") error "G5_SORT: input and output are both ${input}: set task.ext.prefix"
    if (extension == 'cram' && !fasta) error "G5_SORT: CRAM output needs the reference (input 2)"
    """
    g5 sort \\
        $args \\
        -@ ${task.cpus - 1} \\
        ${task.memory ? "-m ${(task.memory.toMega() * 0.9).intValue()}M" : ''} \\
        -T . \\
        ${fasta ? "-f ${fasta}" : ''} \\
        ${markdup ? "-M ${prefix}.markdup.metrics" : ''} \\
        --stats ${prefix}.stats \\
        ${index ? '--write-index' : ''} \\
        -o ${prefix}.${extension} \\
        $input

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """

    stub:
    def args       = task.ext.args ?: ''
    def prefix     = task.ext.prefix ?: "${meta.id}"
    def extension  = args =~ /(-O|--output-fmt)[ =]?sam\b/  ? 'sam'  :
                     args =~ /(-O|--output-fmt)[ =]?cram\b/ ? 'cram' : 'bam'
    def markdup    = args.contains('--markdup')
    def index      = extension != 'sam' && !(args =~ /(^|\s)-[nt](\s|$)/)
    """
    touch ${prefix}.${extension}
    ${index && extension == 'bam'  ? "touch ${prefix}.bam.bai"   : ''}
    ${index && extension == 'cram' ? "touch ${prefix}.cram.crai" : ''}
    ${markdup ? "touch ${prefix}.markdup.metrics" : ''}
    touch ${prefix}.stats

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        g5: \$(g5 --version | sed -n '1s/^g5 //p')
        htslib: \$(g5 --version | sed -n 's/^Using htslib //p')
    END_VERSIONS
    """
}
