// Registers only the echarts parts the workbench draws (keeps the bundle small); import before VChart.
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { CustomChart, HeatmapChart, LineChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'

use([CanvasRenderer, LineChart, CustomChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent])
